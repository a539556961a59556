package models

import (
	"strings"
	"testing"
	"time"
)

func validAlert() AlertConfig {
	return AlertConfig{EventType: EventGranted, Enabled: true,
		Notifications: []AlertNotification{{TypeName: NotifyEmail, EmailAddress: "ops@example.com"}}}
}

// TestAlertValidationNamesTheField: each wrong input is refused with the
// field that is wrong, and the types not offered are named as such.
func TestAlertValidationNamesTheField(t *testing.T) {
	no := false
	cases := []struct {
		name, field, says string
		change            func(*AlertConfig)
	}{
		{"no event type", "eventTypeName", "needs", func(c *AlertConfig) { c.EventType = "" }},
		{"unknown event type", "eventTypeName", "Unknown event type", func(c *AlertConfig) { c.EventType = "CLUSTER_DELETED" }},
		{"slack", "notifications.0.typeName", `"SLACK" is not offered`, func(c *AlertConfig) { c.Notifications[0] = AlertNotification{TypeName: "SLACK"} }},
		{"pager duty", "notifications.0.typeName", `"PAGER_DUTY" is not offered`, func(c *AlertConfig) { c.Notifications[0] = AlertNotification{TypeName: "PAGER_DUTY"} }},
		{"sms", "notifications.0.typeName", `"SMS" is not offered`, func(c *AlertConfig) { c.Notifications[0] = AlertNotification{TypeName: "SMS"} }},
		{"no type", "notifications.0.typeName", "needs a typeName", func(c *AlertConfig) { c.Notifications[0].TypeName = "" }},
		{"bad email", "notifications.0.emailAddress", "not an email", func(c *AlertConfig) { c.Notifications[0].EmailAddress = "ops at example" }},
		{"email with a name", "notifications.0.emailAddress", "not an email", func(c *AlertConfig) { c.Notifications[0].EmailAddress = "Ops <ops@example.com>" }},
		{"bad username", "notifications.0.username", "not an email", func(c *AlertConfig) { c.Notifications[0] = AlertNotification{TypeName: NotifyUser, Username: "bob"} }},
		{"ftp webhook", "notifications.0.webhookUrl", "http", func(c *AlertConfig) {
			c.Notifications[0] = AlertNotification{TypeName: NotifyWebhook, WebhookURL: "ftp://example.com/x", WebhookSecret: "secret-123"}
		}},
		{"relative webhook", "notifications.0.webhookUrl", "http", func(c *AlertConfig) {
			c.Notifications[0] = AlertNotification{TypeName: NotifyWebhook, WebhookURL: "/hook", WebhookSecret: "secret-123"}
		}},
		{"short secret", "notifications.0.webhookSecret", "secret", func(c *AlertConfig) {
			c.Notifications[0] = AlertNotification{TypeName: NotifyWebhook, WebhookURL: "https://example.com/x", WebhookSecret: "abc"}
		}},
		{"group without roles", "notifications.0.roles", "role", func(c *AlertConfig) { c.Notifications[0] = AlertNotification{TypeName: NotifyGroup} }},
		{"group with an org role", "notifications.0.roles", "not a role of a project", func(c *AlertConfig) {
			c.Notifications[0] = AlertNotification{TypeName: NotifyGroup, Roles: []Role{OrgOwner}}
		}},
		{"org email off", "notifications.0.emailEnabled", "email only", func(c *AlertConfig) {
			c.Notifications[0] = AlertNotification{TypeName: NotifyOrg, Roles: []Role{OrgOwner}, EmailEnabled: &no}
		}},
		{"negative delay", "notifications.0.delayMin", "delayMin", func(c *AlertConfig) { c.Notifications[0].DelayMin = -1 }},
		{"no notifications", "notifications", "at least one", func(c *AlertConfig) { c.Notifications = nil }},
		{"unknown matcher field", "matchers.0.fieldName", "CLUSTER_NAME", func(c *AlertConfig) {
			c.Matchers = []AlertMatcher{{FieldName: "HOSTNAME", Operator: "EQUALS", Value: "a"}}
		}},
		{"unknown operator", "matchers.0.operator", "Unknown operator", func(c *AlertConfig) {
			c.Matchers = []AlertMatcher{{FieldName: "CLUSTER_NAME", Operator: "LIKE", Value: "a"}}
		}},
		{"bad regex", "matchers.0.value", "does not parse", func(c *AlertConfig) {
			c.Matchers = []AlertMatcher{{FieldName: "CLUSTER_NAME", Operator: "REGEX", Value: "("}}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := validAlert()
			tc.change(&c)
			err := ValidateAlertConfig(c)
			if ErrorCode(err) != EINVALID || ErrorField(err) != tc.field || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("got %v (field %q), want field %q saying %q", err, ErrorField(err), tc.field, tc.says)
			}
		})
	}
}

// TestAlertValidationAcceptsEveryOfferedType: each notification type, each
// operator and every alert event type pass.
func TestAlertValidationAcceptsEveryOfferedType(t *testing.T) {
	yes := true
	c := validAlert()
	c.Notifications = []AlertNotification{
		{TypeName: NotifyEmail, EmailAddress: "ops@example.com", DelayMin: 5, IntervalMin: 60},
		{TypeName: NotifyUser, Username: "owner@example.com"},
		{TypeName: NotifyGroup, Roles: []Role{ProjectOwner, ProjectSupportAccessManager}, EmailEnabled: &yes},
		{TypeName: NotifyOrg, Roles: []Role{OrgOwner}},
		{TypeName: NotifyWebhook, WebhookURL: "https://hooks.example.com/a?b=c", WebhookSecret: "s3cret-value"},
	}
	for _, op := range matcherOperators {
		c.Matchers = append(c.Matchers, AlertMatcher{FieldName: "CLUSTER_NAME", Operator: op, Value: "prod"})
	}
	for _, typ := range AlertEventTypes() {
		c.EventType = typ
		if err := ValidateAlertConfig(c); err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
	}
}

// TestAlertEventTypesFollowTheActivityEvents: every activity event type is
// an alert event type, with the expiring and requested ones besides, once.
func TestAlertEventTypesFollowTheActivityEvents(t *testing.T) {
	seen := map[EventType]int{}
	for _, typ := range AlertEventTypes() {
		seen[typ]++
	}
	for _, typ := range append(append([]EventType{}, EventTypes...), EventExpiring) {
		if seen[typ] != 1 {
			t.Errorf("%s appears %d times among the alert event types", typ, seen[typ])
		}
	}
	for _, typ := range DefaultAlertEvents {
		if !typ.alertable() {
			t.Errorf("default alert on %s, which is no alert event type", typ)
		}
	}
}

// TestMatchersNarrowToClusters: each operator, and that all must hold.
func TestMatchersNarrowToClusters(t *testing.T) {
	cases := []struct {
		op, value, cluster string
		want               bool
	}{
		{"EQUALS", "prod", "prod", true}, {"EQUALS", "prod", "prod-2", false},
		{"NOT_EQUALS", "prod", "dev", true}, {"NOT_EQUALS", "prod", "prod", false},
		{"STARTS_WITH", "prod", "prod-eu", true}, {"STARTS_WITH", "prod", "eu-prod", false},
		{"ENDS_WITH", "eu", "prod-eu", true}, {"ENDS_WITH", "eu", "eu-prod", false},
		{"CONTAINS", "od-e", "prod-eu", true}, {"CONTAINS", "x", "prod", false},
		{"REGEX", "^p.*u$", "prod-eu", true}, {"REGEX", "^p.*u$", "dev", false},
		{"EQUALS", "prod", "", false},
	}
	for _, tc := range cases {
		c := validAlert()
		c.Matchers = []AlertMatcher{{FieldName: "CLUSTER_NAME", Operator: tc.op, Value: tc.value}}
		if got := c.Matches(EventGranted, tc.cluster); got != tc.want {
			t.Errorf("%s %q on %q: %v, want %v", tc.op, tc.value, tc.cluster, got, tc.want)
		}
	}
	c := validAlert()
	if c.Matches(EventRevoked, "prod") {
		t.Error("an alert on grants matched a revoke")
	}
	c.Enabled = false
	if c.Matches(EventGranted, "prod") {
		t.Error("a disabled alert matched")
	}
}

// TestRetriesBackOffForADay: the wait doubles up to an hour, and nothing is
// tried once a day has passed.
func TestRetriesBackOffForADay(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	if next, ok := NextAttempt(t0, t0, 1, 30*time.Second); !ok || next.Sub(t0) != 30*time.Second {
		t.Fatalf("first retry at %v", next.Sub(t0))
	}
	if next, _ := NextAttempt(t0, t0, 3, 30*time.Second); next.Sub(t0) != 2*time.Minute {
		t.Fatalf("third retry after %v", next.Sub(t0))
	}
	if next, _ := NextAttempt(t0, t0, 30, 30*time.Second); next.Sub(t0) != time.Hour {
		t.Fatalf("late retry after %v", next.Sub(t0))
	}
	if _, ok := NextAttempt(t0, t0.Add(23*time.Hour+30*time.Minute), 40, 30*time.Second); ok {
		t.Fatal("a retry was planned past a day")
	}
}

// TestKeepWebhookSecrets: a webhook sent back without its secret, or
// masked, keeps the stored one for the same URL; a new secret, another
// URL or another kind of notification is taken as sent.
func TestKeepWebhookSecrets(t *testing.T) {
	old := []AlertNotification{{TypeName: NotifyWebhook, WebhookURL: "https://a.test/h", WebhookSecret: "s3cret"}}
	for _, tc := range []struct {
		name string
		in   AlertNotification
		want string
	}{
		{"empty secret, same URL", AlertNotification{TypeName: NotifyWebhook, WebhookURL: "https://a.test/h"}, "s3cret"},
		{"masked secret, same URL", AlertNotification{TypeName: NotifyWebhook, WebhookURL: "https://a.test/h", WebhookSecret: "****"}, "s3cret"},
		{"new secret", AlertNotification{TypeName: NotifyWebhook, WebhookURL: "https://a.test/h", WebhookSecret: "other"}, "other"},
		{"another URL", AlertNotification{TypeName: NotifyWebhook, WebhookURL: "https://b.test/h"}, ""},
		{"not a webhook", AlertNotification{TypeName: NotifyEmail, EmailAddress: "a@b.test"}, ""},
	} {
		in := []AlertNotification{tc.in}
		got := KeepWebhookSecrets(old, in)
		if got[0].WebhookSecret != tc.want {
			t.Errorf("%s: secret %q, want %q", tc.name, got[0].WebhookSecret, tc.want)
		}
		if in[0].WebhookSecret != tc.in.WebhookSecret {
			t.Errorf("%s: the input was changed", tc.name)
		}
	}
}
