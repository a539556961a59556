package notify

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	mail "github.com/wneessen/go-mail"
)

// Mailer sends email through one SMTP server, named by a URL:
// smtp://user:password@host:port (STARTTLS when the server offers it;
// port 25 by default) or smtps://... (TLS from the start; port 465).
type Mailer struct {
	host, user, pass string
	port             int
	implicitTLS      bool
	from             string
}

// NewMailer checks an SMTP URL and the sender's address. An empty URL is
// no mailer (nil): email deliveries are then recorded as not sent.
func NewMailer(smtpURL, from string) (*Mailer, error) {
	if smtpURL == "" {
		return nil, nil
	}
	u, err := url.Parse(smtpURL)
	if err != nil || u.Hostname() == "" || (u.Scheme != "smtp" && u.Scheme != "smtps") {
		return nil, fmt.Errorf("the SMTP URL is smtp://[user:password@]host[:port] or smtps://...")
	}
	m := &Mailer{host: u.Hostname(), implicitTLS: u.Scheme == "smtps", port: 25, from: from}
	if m.implicitTLS {
		m.port = 465
	}
	if p := u.Port(); p != "" {
		if m.port, err = strconv.Atoi(p); err != nil || m.port < 1 || m.port > 65535 {
			return nil, fmt.Errorf("the SMTP URL's port %q is not a port", p)
		}
	}
	if u.User != nil {
		m.user = u.User.Username()
		m.pass, _ = u.User.Password()
	}
	if m.from == "" {
		return nil, fmt.Errorf("email needs a sender address (--smtp-from)")
	}
	if err := mail.NewMsg().From(m.from); err != nil {
		return nil, fmt.Errorf("the sender address %q: %w", m.from, err)
	}
	return m, nil
}

// send delivers one message to each address; id becomes its Message-ID,
// so that a retried delivery is the same message to a mail client.
func (m *Mailer) send(ctx context.Context, id string, to []string, msg message) error {
	em := mail.NewMsg()
	if err := em.From(m.from); err != nil {
		return err
	}
	if err := em.To(to...); err != nil {
		return err
	}
	em.Subject(msg.Subject)
	em.SetMessageIDWithValue(id + "@supportaccess")
	em.SetDate()
	em.SetBodyString(mail.TypeTextPlain, msg.text())
	body, err := msg.html()
	if err != nil {
		return err
	}
	em.AddAlternativeString(mail.TypeTextHTML, body)
	opts := []mail.Option{mail.WithPort(m.port), mail.WithTimeout(10 * time.Second)}
	if m.implicitTLS {
		opts = append(opts, mail.WithSSL())
	} else {
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	}
	if m.user != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(m.user), mail.WithPassword(m.pass))
	}
	c, err := mail.NewClient(m.host, opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, em)
}
