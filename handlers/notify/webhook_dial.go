package notify

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"syscall"
	"time"
)

// errPrivateAddress refuses a webhook call to an address inside the
// server's own network.
var errPrivateAddress = errors.New("the webhook's address is a loopback, private or link-local one, which webhooks may not reach here (--alert-webhooks-private allows it)")

// publicOnly refuses, at connect time (after DNS, so that a name that
// resolves inside cannot slip through), any address that is not a public
// unicast one: a project owner's webhook must not make the server call
// its own network, a cloud's metadata service or itself.
func publicOnly(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip := net.ParseIP(host)
	if ip == nil || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return fmt.Errorf("%s: %w", host, errPrivateAddress)
	}
	return nil
}

// newWebhookClient never follows a redirect (a receiver that moved must
// be told so by its owner, and a redirect must not carry the signed body
// elsewhere), gives up after WebhookTimeout, and, unless private is set,
// reaches public addresses only.
func newWebhookClient(private bool) *http.Client {
	d := &net.Dialer{Timeout: WebhookTimeout}
	if !private {
		d.Control = publicOnly
	}
	tr := &http.Transport{Proxy: nil, DialContext: d.DialContext, TLSHandshakeTimeout: WebhookTimeout,
		MaxIdleConnsPerHost: 2, IdleConnTimeout: 90 * time.Second, ForceAttemptHTTP2: true}
	return &http.Client{Timeout: WebhookTimeout, Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
