package atlasapi

import (
	"strconv"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
)

// apiAlertConfig is an alert configuration as Atlas writes it (version
// 2023-01-01); clients send the same shape, and the read-only fields a
// client read back (id, groupId, created, updated, links) are accepted
// and ignored, so that a GET's answer can be PUT back.
type apiAlertConfig struct {
	ID            string            `json:"id,omitempty"`
	GroupID       string            `json:"groupId,omitempty"`
	EventTypeName string            `json:"eventTypeName"`
	Enabled       *bool             `json:"enabled"`
	Matchers      []apiMatcher      `json:"matchers"`
	Notifications []apiNotification `json:"notifications"`
	Created       string            `json:"created,omitempty"`
	Updated       string            `json:"updated,omitempty"`
	Links         []apiLink         `json:"links,omitempty"`
}

// apiMatcher narrows an alert to clusters by name.
type apiMatcher struct {
	FieldName string `json:"fieldName"`
	Operator  string `json:"operator"`
	Value     string `json:"value"`
}

// apiNotification is one notification, with the fields of every type;
// those of another type are left out of answers. smsEnabled is accepted
// as false only, since this server sends no text messages.
type apiNotification struct {
	TypeName      string        `json:"typeName"`
	EmailAddress  string        `json:"emailAddress,omitempty"`
	Username      string        `json:"username,omitempty"`
	Roles         []models.Role `json:"roles,omitempty"`
	EmailEnabled  *bool         `json:"emailEnabled,omitempty"`
	SMSEnabled    *bool         `json:"smsEnabled,omitempty"`
	WebhookURL    string        `json:"webhookUrl,omitempty"`
	WebhookSecret string        `json:"webhookSecret,omitempty"`
	DelayMin      *int          `json:"delayMin"`
	IntervalMin   *int          `json:"intervalMin"`
}

// maskedSecret stands for a webhook secret in answers: secrets are
// write-only.
const maskedSecret = "****"

func alertPath(groupID, id string) string {
	return "/api/atlas/v2/groups/" + groupID + "/alertConfigs/" + id
}

// alertOut is the answer for one alert.
func alertOut(c echo.Context, a models.AlertConfig) apiAlertConfig {
	enabled := a.Enabled
	out := apiAlertConfig{ID: a.ID, GroupID: a.ProjectID, EventTypeName: string(a.EventType), Enabled: &enabled,
		Matchers: []apiMatcher{}, Notifications: []apiNotification{}, Created: apiTime(a.CreatedAt.Time()),
		Updated: apiTime(a.UpdatedAt.Time()), Links: selfLinks(c, alertPath(a.ProjectID, a.ID))}
	for _, m := range a.Matchers {
		out.Matchers = append(out.Matchers, apiMatcher(m))
	}
	for _, n := range a.Notifications {
		delay, interval := n.DelayMin, n.IntervalMin
		o := apiNotification{TypeName: n.TypeName, EmailAddress: n.EmailAddress, Username: n.Username, Roles: n.Roles,
			EmailEnabled: n.EmailEnabled, WebhookURL: n.WebhookURL, DelayMin: &delay, IntervalMin: &interval}
		if n.WebhookSecret != "" {
			o.WebhookSecret = maskedSecret
		}
		out.Notifications = append(out.Notifications, o)
	}
	return out
}

// alertIn reads an alert from a request body; the rules are the
// domain's (models.ValidateAlertConfig, checked by the store).
func alertIn(body []byte) (models.AlertConfig, error) {
	var req apiAlertConfig
	if err := decodeStrict(body, &req); err != nil {
		return models.AlertConfig{}, err
	}
	a := models.AlertConfig{EventType: models.EventType(req.EventTypeName), Enabled: req.Enabled != nil && *req.Enabled}
	for _, m := range req.Matchers {
		a.Matchers = append(a.Matchers, models.AlertMatcher(m))
	}
	for i, n := range req.Notifications {
		if n.SMSEnabled != nil && *n.SMSEnabled {
			return a, httpx.BadRequest("INVALID_ATTRIBUTE", "notifications."+strconv.Itoa(i)+".smsEnabled", "This server sends no text messages, so smsEnabled must be false.")
		}
		o := models.AlertNotification{TypeName: n.TypeName, EmailAddress: n.EmailAddress, Username: n.Username, Roles: n.Roles,
			EmailEnabled: n.EmailEnabled, WebhookURL: n.WebhookURL, WebhookSecret: n.WebhookSecret, IntervalMin: 60}
		if n.DelayMin != nil {
			o.DelayMin = *n.DelayMin
		}
		if n.IntervalMin != nil {
			o.IntervalMin = *n.IntervalMin
		}
		a.Notifications = append(a.Notifications, o)
	}
	return a, nil
}
