package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"supportaccess/models"
)

// The headers of a webhook call. The signature is "sha256=" and the hex
// HMAC-SHA256 of the body under the webhook's secret; the delivery id is
// the same on every retry of one delivery, so that a receiver may drop a
// call it has already seen.
const (
	SignatureHeader = "X-SupportAccess-Signature"
	DeliveryHeader  = "X-SupportAccess-Delivery"
)

// WebhookTimeout bounds one call, answer included.
const WebhookTimeout = 5 * time.Second

// Sign is the signature header's value for body under secret.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// webhookEvent is the event a webhook call carries, in the Admin API's
// names.
type webhookEvent struct {
	ID             string `json:"id"`
	Created        string `json:"created"`
	EventTypeName  string `json:"eventTypeName"`
	OrgID          string `json:"orgId"`
	GroupID        string `json:"groupId,omitempty"`
	ClusterName    string `json:"clusterName,omitempty"`
	GrantType      string `json:"grantType,omitempty"`
	ExpirationTime string `json:"expirationTime,omitempty"`
	Username       string `json:"username,omitempty"`
	RemoteAddress  string `json:"remoteAddress,omitempty"`
}

// webhookBody is the JSON of a webhook call.
type webhookBody struct {
	DeliveryID    string       `json:"deliveryId"`
	AlertConfigID string       `json:"alertConfigId"`
	GroupID       string       `json:"groupId"`
	EventTypeName string       `json:"eventTypeName"`
	HumanReadable string       `json:"humanReadable"`
	Event         webhookEvent `json:"event"`
}

func stamp(i models.Instant) string {
	if i.IsZero() {
		return ""
	}
	return i.Time().UTC().Format("2006-01-02T15:04:05.000Z")
}

// webhookJSON is the body of a delivery's calls: built from what was
// queued alone, so that every retry sends the same bytes.
func webhookJSON(d models.AlertDelivery, msg message) ([]byte, error) {
	e := d.Event
	b := webhookBody{DeliveryID: d.ID, AlertConfigID: d.AlertConfigID, GroupID: d.ProjectID, EventTypeName: string(e.Type), HumanReadable: msg.Headline,
		Event: webhookEvent{ID: e.ID, Created: stamp(e.CreatedAt), EventTypeName: string(e.Type), OrgID: e.OrgID, GroupID: e.ProjectID,
			ClusterName: e.ClusterName, GrantType: string(e.GrantType), ExpirationTime: stamp(e.ExpiresAt), RemoteAddress: e.RemoteAddr}}
	if e.ActorKind != models.ActorSystem {
		b.Event.Username = e.ActorName
	}
	return json.Marshal(b)
}

// callWebhook posts body to the delivery's webhook; any answer but 2xx
// is a failure, to be retried.
func callWebhook(ctx context.Context, c *http.Client, d models.AlertDelivery, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.Notification.WebhookURL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "SupportAccessConsole-Webhook/1")
	req.Header.Set(SignatureHeader, Sign(d.Notification.WebhookSecret, body))
	req.Header.Set(DeliveryHeader, d.ID)
	resp, err := c.Do(req)
	if err != nil {
		var ue interface{ Timeout() bool }
		if errors.As(err, &ue) && ue.Timeout() {
			return fmt.Errorf("no answer within %s", WebhookTimeout)
		}
		return fmt.Errorf("the receiver could not be reached: %w", unwrapURL(err))
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		if resp.StatusCode >= 300 && resp.StatusCode < 400 {
			return fmt.Errorf("the receiver answered %s (redirects are not followed)", resp.Status)
		}
		return fmt.Errorf("the receiver answered %s", resp.Status)
	}
	return nil
}

// unwrapURL drops the *url.Error wrapping, which repeats the URL.
func unwrapURL(err error) error {
	if u := errors.Unwrap(err); u != nil {
		return u
	}
	return err
}
