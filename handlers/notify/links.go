package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"supportaccess/models"
)

// SendPasswordLink emails a one-time password link: an invitation to an
// organization or an owner's reset (the console's LinkSender). It is sent
// at once, not queued: the owner waits for the answer, and when it fails
// is shown the link to pass on instead.
func (w *Worker) SendPasswordLink(ctx context.Context, to, orgName, link string, invitation bool) error {
	if w.mailer == nil {
		return errors.New("email is not set up")
	}
	expires := w.cfg.Now().Add(models.PasswordLinkLifetime).UTC().Format("Mon 2 Jan 2006, 15:04 MST")
	m := message{Link: link, Action: "Set your password",
		Footer: "You receive this because an owner of " + orgName + " entered your address in the Support Access Console. If you did not expect it, ignore it: the link ends by itself."}
	if invitation {
		m.Subject = "You are invited to " + orgName + " on the Support Access Console"
		m.Headline = fmt.Sprintf("An owner of %s invited you to decide, with them, when MongoDB support may touch its clusters. Set a password to join.", orgName)
	} else {
		m.Subject = "Set a new password for the Support Access Console"
		m.Headline = fmt.Sprintf("An owner of %s reset your password. Set a new one to log in again.", orgName)
	}
	m.Facts = [][2]string{{"Organization", orgName}, {"Link valid until", expires}, {"Use", "once"}}
	send, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	return w.mailer.send(send, models.NewID(w.cfg.Now()), []string{to}, m)
}
