package views

import (
	"strings"

	"supportaccess/models"
)

// AlertsPage is a project's Alerts page: its alert configurations and the
// form of a new one.
type AlertsPage struct {
	Page      Page
	Project   models.Project
	Alerts    []models.AlertConfig
	CanManage bool // the project's or the organization's owner
	EmailOn   bool // an SMTP server is configured
	Form      AlertForm
}

// AlertPage is one alert: its form and its deliveries.
type AlertPage struct {
	Page       Page
	Project    models.Project
	Alert      models.AlertConfig
	Deliveries []models.AlertDelivery
	CanManage  bool
	EmailOn    bool
	Form       AlertForm
}

// AlertForm is the console's form of an alert: the notifications people
// set by hand; any other (set through the API) is kept as it is (Others).
type AlertForm struct {
	ID            string
	EventType     string
	Enabled       bool
	MatchOperator string
	MatchValue    string
	ProjectOwners bool
	OrgOwners     bool
	Emails        string // comma-separated addresses
	WebhookURL    string
	HasSecret     bool // the alert's webhook has a secret, kept when none is typed
	Others        []models.AlertNotification
	Error         string
	ErrorField    string
}

// MatchOperators are the operators the form offers, with their words.
var MatchOperators = [][2]string{{"EQUALS", "is"}, {"NOT_EQUALS", "is not"}, {"STARTS_WITH", "starts with"},
	{"ENDS_WITH", "ends with"}, {"CONTAINS", "contains"}, {"REGEX", "matches the regular expression"}}

func operatorWords(op string) string {
	for _, o := range MatchOperators {
		if o[0] == op {
			return o[1]
		}
	}
	return op
}

// alertClusters says which clusters an alert is about.
func alertClusters(a models.AlertConfig) string {
	if len(a.Matchers) == 0 {
		return "All clusters"
	}
	parts := make([]string, len(a.Matchers))
	for i, m := range a.Matchers {
		parts[i] = "name " + operatorWords(m.Operator) + " “" + m.Value + "”"
	}
	return strings.Join(parts, " and ")
}

// notificationText says whom one notification reaches, and how.
func notificationText(n models.AlertNotification) string {
	switch n.TypeName {
	case models.NotifyEmail:
		return "Email " + n.EmailAddress
	case models.NotifyUser:
		return "User " + n.Username
	case models.NotifyWebhook:
		return "Webhook " + n.WebhookURL
	}
	return n.Recipient() + " by email"
}

// deliveryBadge is the badge class and words of a delivery's status.
func deliveryBadge(d models.AlertDelivery) (string, string) {
	switch d.Status {
	case models.DeliverySent:
		return "badge badge-info", "Sent"
	case models.DeliveryFailed:
		return "badge badge-denied", "Failed"
	case models.DeliveryNotSent:
		return "badge badge-none", "Not sent"
	}
	if d.Attempts > 0 {
		return "badge badge-open", "Retrying"
	}
	return "badge badge-open", "Queued"
}
