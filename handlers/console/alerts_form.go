package console

import (
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"supportaccess/models"
	"supportaccess/views"
)

// The console's alert form sets the notifications people set by hand: the
// project's owners, the organization's owners, email addresses, one
// webhook. Any other notification of an alert (set through the API) is
// kept as it is when the form saves it.

// byHand reports whether the form shows notification n in its fields.
func byHand(n models.AlertNotification, webhookSeen *bool) bool {
	switch n.TypeName {
	case models.NotifyGroup:
		return slices.Equal(n.Roles, []models.Role{models.ProjectOwner})
	case models.NotifyOrg:
		return slices.Equal(n.Roles, []models.Role{models.OrgOwner})
	case models.NotifyEmail:
		return true
	case models.NotifyWebhook:
		if !*webhookSeen {
			*webhookSeen = true
			return true
		}
	}
	return false
}

// formOf fills the form with an alert.
func formOf(a models.AlertConfig) views.AlertForm {
	f := views.AlertForm{ID: a.ID, EventType: string(a.EventType), Enabled: a.Enabled}
	if len(a.Matchers) > 0 {
		f.MatchOperator, f.MatchValue = a.Matchers[0].Operator, a.Matchers[0].Value
	}
	var emails []string
	webhook := false
	for _, n := range a.Notifications {
		if !byHand(n, &webhook) {
			f.Others = append(f.Others, n)
			continue
		}
		switch n.TypeName {
		case models.NotifyGroup:
			f.ProjectOwners = true
		case models.NotifyOrg:
			f.OrgOwners = true
		case models.NotifyEmail:
			emails = append(emails, n.EmailAddress)
		case models.NotifyWebhook:
			f.WebhookURL, f.HasSecret = n.WebhookURL, n.WebhookSecret != ""
		}
	}
	f.Emails = strings.Join(emails, ", ")
	return f
}

// alertOfForm reads the submitted form into an alert, over old's
// notifications that the form does not show (nil for a new alert). A
// webhook sent without a secret keeps the one it had (store.ReplaceAlertConfig).
func alertOfForm(c echo.Context, old *models.AlertConfig) (models.AlertConfig, views.AlertForm) {
	f := views.AlertForm{EventType: c.FormValue("eventType"), Enabled: c.FormValue("enabled") == "on",
		MatchOperator: c.FormValue("matchOperator"), MatchValue: strings.TrimSpace(c.FormValue("matchValue")),
		ProjectOwners: c.FormValue("projectOwners") == "on", OrgOwners: c.FormValue("orgOwners") == "on",
		Emails: strings.TrimSpace(c.FormValue("emails")), WebhookURL: strings.TrimSpace(c.FormValue("webhookUrl"))}
	a := models.AlertConfig{EventType: models.EventType(f.EventType), Enabled: f.Enabled}
	if f.MatchOperator != "" || f.MatchValue != "" {
		a.Matchers = []models.AlertMatcher{{FieldName: "CLUSTER_NAME", Operator: f.MatchOperator, Value: f.MatchValue}}
	}
	yes := true
	if f.ProjectOwners {
		a.Notifications = append(a.Notifications, models.AlertNotification{TypeName: models.NotifyGroup, Roles: []models.Role{models.ProjectOwner}, EmailEnabled: &yes})
	}
	if f.OrgOwners {
		a.Notifications = append(a.Notifications, models.AlertNotification{TypeName: models.NotifyOrg, Roles: []models.Role{models.OrgOwner}, EmailEnabled: &yes})
	}
	for _, e := range strings.FieldsFunc(f.Emails, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' }) {
		a.Notifications = append(a.Notifications, models.AlertNotification{TypeName: models.NotifyEmail, EmailAddress: e, IntervalMin: 60})
	}
	if f.WebhookURL != "" {
		a.Notifications = append(a.Notifications, models.AlertNotification{TypeName: models.NotifyWebhook, WebhookURL: f.WebhookURL,
			WebhookSecret: c.FormValue("webhookSecret"), IntervalMin: 60})
	}
	if old != nil {
		kept := formOf(*old)
		f.ID, f.HasSecret, f.Others = old.ID, kept.HasSecret && kept.WebhookURL == f.WebhookURL, kept.Others
		a.Notifications = append(a.Notifications, kept.Others...)
	}
	return a, f
}

// withError puts a refusal on the form, in words; the domain names the
// field by its place in the alert (notifications.2.emailAddress), which
// the message says in words already.
func withError(f views.AlertForm, err error) views.AlertForm {
	f.Error, f.ErrorField = models.ErrorMessage(err), models.ErrorField(err)
	if f.ErrorField == "notifications" {
		f.Error = "Choose whom to notify: the owners, an email address or a webhook."
	}
	return f
}
