package models

import (
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Alerts tell a project's owners what happened without their looking: an
// alert configuration (Atlas's model, so that Atlas clients and Terraform
// manage it) names an event type, may narrow it to clusters by name, and
// lists whom to notify. Storage and delivery are package store's and
// package notify's; here are the entity and its rules.

// EventExpiring is an alert event, not an activity event: a grant ends
// within the hour (AlertExpiringLead). The sweeper raises it once per grant.
const EventExpiring EventType = "EMPLOYEE_ACCESS_EXPIRING"

// AlertExpiringLead is how long before a grant ends EventExpiring is raised.
const AlertExpiringLead = time.Hour

// alertOnlyEvents are the alert event types beside the activity events.
var alertOnlyEvents = []EventType{EventExpiring}

// AlertEventTypes lists the event types an alert may name: every activity
// event type (EventTypes, so that a new one joins by itself) and the
// alert-only ones.
func AlertEventTypes() []EventType {
	out := append([]EventType(nil), EventTypes...)
	for _, t := range alertOnlyEvents {
		if !t.Valid() {
			out = append(out, t)
		}
	}
	return out
}

// DefaultAlertEvents are the events every new project alerts its owners
// on: granted, extended (in place, or replaced by another type), revoked,
// expired, expiring, requested.
var DefaultAlertEvents = []EventType{EventGranted, EventExtended, EventReplaced, EventRevoked, EventExpired, EventExpiring, EventRequestCreated}

// AlertMatcher narrows an alert to the clusters whose name matches.
type AlertMatcher struct {
	FieldName string `json:"fieldName"`
	Operator  string `json:"operator"`
	Value     string `json:"value"`
}

// Notification types this server delivers.
const (
	NotifyEmail   = "EMAIL"
	NotifyUser    = "USER"
	NotifyGroup   = "GROUP"
	NotifyOrg     = "ORG"
	NotifyWebhook = "WEBHOOK"
)

// NotificationTypes lists the notification types this server delivers.
var NotificationTypes = []string{NotifyEmail, NotifyUser, NotifyGroup, NotifyOrg, NotifyWebhook}

// matcherOperators are Atlas's string operators, which a CLUSTER_NAME
// matcher may use.
var matcherOperators = []string{"EQUALS", "NOT_EQUALS", "STARTS_WITH", "ENDS_WITH", "CONTAINS", "REGEX"}

// AlertNotification is one target of an alert. Only the fields of its
// type are kept; WebhookSecret is write-only (never answered in clear).
type AlertNotification struct {
	TypeName      string `json:"typeName"`
	EmailAddress  string `json:"emailAddress,omitempty"`
	Username      string `json:"username,omitempty"`
	Roles         []Role `json:"roles,omitempty"`
	EmailEnabled  *bool  `json:"emailEnabled,omitempty"`
	WebhookURL    string `json:"webhookUrl,omitempty"`
	WebhookSecret string `json:"webhookSecret,omitempty"`
	DelayMin      int    `json:"delayMin"`
	IntervalMin   int    `json:"intervalMin"`
}

// AlertConfig is a project's alert configuration.
type AlertConfig struct {
	ID            string
	OrgID         string
	ProjectID     string
	EventType     EventType
	Enabled       bool
	Matchers      []AlertMatcher
	Notifications []AlertNotification
	CreatedAt     Instant
	UpdatedAt     Instant
}

// Recipient says whom a notification reaches, as the console lists it.
func (n AlertNotification) Recipient() string {
	switch n.TypeName {
	case NotifyEmail:
		return n.EmailAddress
	case NotifyUser:
		return n.Username
	case NotifyWebhook:
		return n.WebhookURL
	}
	names := make([]string, len(n.Roles))
	for i, r := range n.Roles {
		names[i] = r.Label() + "s"
	}
	return strings.Join(names, ", ")
}

// DefaultAlertConfigs are a new project's alerts: one per default event,
// by email to the project's owners and the organization's owners.
func DefaultAlertConfigs(orgID, projectID string, now time.Time) []AlertConfig {
	yes := true
	out := make([]AlertConfig, 0, len(DefaultAlertEvents))
	for _, t := range DefaultAlertEvents {
		out = append(out, AlertConfig{ID: NewID(now), OrgID: orgID, ProjectID: projectID, EventType: t, Enabled: true,
			Notifications: []AlertNotification{
				{TypeName: NotifyGroup, Roles: []Role{ProjectOwner}, EmailEnabled: &yes},
				{TypeName: NotifyOrg, Roles: []Role{OrgOwner}, EmailEnabled: &yes},
			}, CreatedAt: At(now), UpdatedAt: At(now)})
	}
	return out
}

// ValidateAlertConfig checks an alert configuration as a client sent it
// and reports the first field that is wrong, by its path in the request
// (notifications.0.emailAddress), so that nothing wrong is stored.
func ValidateAlertConfig(c AlertConfig) error {
	if c.EventType == "" {
		return FieldError("eventTypeName", "An alert needs an eventTypeName.")
	}
	if !c.EventType.alertable() {
		return FieldError("eventTypeName", "Unknown event type %q; use one of %s.", c.EventType, joinTypes(AlertEventTypes()))
	}
	for i, m := range c.Matchers {
		if err := validateMatcher(m, fmt.Sprintf("matchers.%d", i)); err != nil {
			return err
		}
	}
	if len(c.Notifications) == 0 {
		return FieldError("notifications", "An alert needs at least one notification.")
	}
	if len(c.Notifications) > 20 {
		return FieldError("notifications", "An alert takes at most 20 notifications.")
	}
	for i, n := range c.Notifications {
		if err := validateNotification(n, fmt.Sprintf("notifications.%d", i)); err != nil {
			return err
		}
	}
	return nil
}

func (t EventType) alertable() bool {
	for _, k := range AlertEventTypes() {
		if k == t {
			return true
		}
	}
	return false
}

// AlertEventLabel describes an alert's event type in words.
func AlertEventLabel(t EventType) string {
	switch t {
	case EventReplaced:
		return "Temporary access replaced"
	case EventExpiring:
		return "Temporary access ends within the hour"
	case EventRequestCreated:
		return "Support requested access"
	}
	return t.Label()
}

func joinTypes(ts []EventType) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

func validateMatcher(m AlertMatcher, at string) error {
	if m.FieldName != "CLUSTER_NAME" {
		return FieldError(at+".fieldName", "Unknown matcher field %q; alerts here match on CLUSTER_NAME only.", m.FieldName)
	}
	known := false
	for _, op := range matcherOperators {
		known = known || op == m.Operator
	}
	if !known {
		return FieldError(at+".operator", "Unknown operator %q; use one of %s.", m.Operator, strings.Join(matcherOperators, ", "))
	}
	if m.Value == "" || len(m.Value) > 256 {
		return FieldError(at+".value", "A matcher needs a value of 1 to 256 characters.")
	}
	if m.Operator == "REGEX" {
		if _, err := regexp.Compile(m.Value); err != nil {
			return FieldError(at+".value", "The regular expression does not parse: %v.", err)
		}
	}
	return nil
}

func validateNotification(n AlertNotification, at string) error {
	if n.DelayMin < 0 || n.DelayMin > 1440 {
		return FieldError(at+".delayMin", "delayMin is minutes from 0 to 1440.")
	}
	if n.IntervalMin < 0 || n.IntervalMin > 10080 {
		return FieldError(at+".intervalMin", "intervalMin is minutes from 0 to 10080.")
	}
	switch n.TypeName {
	case NotifyEmail:
		return validateEmail(n.EmailAddress, at+".emailAddress")
	case NotifyUser:
		return validateEmail(n.Username, at+".username")
	case NotifyGroup, NotifyOrg:
		if len(n.Roles) == 0 {
			return FieldError(at+".roles", "A %s notification needs at least one role.", n.TypeName)
		}
		for _, r := range n.Roles {
			if (n.TypeName == NotifyGroup && !r.IsProjectRole()) || (n.TypeName == NotifyOrg && !r.IsOrgRole()) {
				return FieldError(at+".roles", "Role %q is not a role of a %s.", r, map[string]string{NotifyGroup: "project", NotifyOrg: "organization"}[n.TypeName])
			}
		}
		if n.EmailEnabled != nil && !*n.EmailEnabled {
			return FieldError(at+".emailEnabled", "This server notifies roles by email only, so emailEnabled must be true.")
		}
		return nil
	case NotifyWebhook:
		return validateWebhook(n, at)
	case "":
		return FieldError(at+".typeName", "A notification needs a typeName: one of %s.", strings.Join(NotificationTypes, ", "))
	}
	return FieldError(at+".typeName", "Notification type %q is not offered by this server; it delivers %s.", n.TypeName, strings.Join(NotificationTypes, ", "))
}

func validateEmail(s, field string) error {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || len(s) > 254 {
		return FieldError(field, "%q is not an email address.", s)
	}
	return nil
}

func validateWebhook(n AlertNotification, at string) error {
	u, err := url.Parse(n.WebhookURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(n.WebhookURL) > 2048 {
		return FieldError(at+".webhookUrl", "A webhook URL is an absolute http:// or https:// URL.")
	}
	if u.User != nil {
		return FieldError(at+".webhookUrl", "A webhook URL may not carry a user name or password; the secret signs each call.")
	}
	if len(n.WebhookSecret) < 8 || len(n.WebhookSecret) > 256 {
		return FieldError(at+".webhookSecret", "A webhook needs a secret of 8 to 256 characters, which signs each call.")
	}
	return nil
}

// Matches reports whether the alert applies to an event on the named
// cluster: every matcher must hold; an event on no cluster matches only an
// alert without matchers.
func (c AlertConfig) Matches(t EventType, clusterName string) bool {
	if !c.Enabled || c.EventType != t {
		return false
	}
	for _, m := range c.Matchers {
		if clusterName == "" || !m.holds(clusterName) {
			return false
		}
	}
	return true
}

func (m AlertMatcher) holds(s string) bool {
	switch m.Operator {
	case "EQUALS":
		return s == m.Value
	case "NOT_EQUALS":
		return s != m.Value
	case "STARTS_WITH":
		return strings.HasPrefix(s, m.Value)
	case "ENDS_WITH":
		return strings.HasSuffix(s, m.Value)
	case "CONTAINS":
		return strings.Contains(s, m.Value)
	case "REGEX":
		re, err := regexp.Compile(m.Value)
		return err == nil && re.MatchString(s)
	}
	return false
}

// CanManageAlerts reports whether p may change a project's alerts: its
// owners and the organization's.
func CanManageAlerts(p Principal, pr Project) bool {
	return CanViewProject(p, pr) && (p.OrgRoles[pr.OrgID] == OrgOwner || p.ProjectRoles[pr.ID] == ProjectOwner)
}

// AuthorizeAlertChange is nil when p may change pr's alerts; not found when
// p cannot see pr, forbidden when p sees it without owning it.
func AuthorizeAlertChange(p Principal, pr Project) error {
	if !CanViewProject(p, pr) {
		return ErrNoProject()
	}
	if !CanManageAlerts(p, pr) {
		return Errorf(EFORBIDDEN, "Only the project's owners and the organization's owners change its alerts.")
	}
	return nil
}

// KeepWebhookSecrets is what a replaced alert's notifications become: a
// webhook sent back without its secret, or with the masked one an answer
// shows, keeps the secret it had for that URL, since secrets are
// write-only and a client cannot send back what it never saw.
func KeepWebhookSecrets(old, next []AlertNotification) []AlertNotification {
	out := append([]AlertNotification(nil), next...)
	for i, n := range out {
		if n.TypeName != NotifyWebhook || (n.WebhookSecret != "" && strings.Trim(n.WebhookSecret, "*") != "") {
			continue
		}
		for _, o := range old {
			if o.TypeName == NotifyWebhook && o.WebhookURL == n.WebhookURL {
				out[i].WebhookSecret = o.WebhookSecret
			}
		}
	}
	return out
}
