package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

// TestAlertsPageListsTheDefaultsAndSaysEmailIsOff: every project starts
// with the default alerts; without SMTP the page says email is not sent.
func TestAlertsPageListsTheDefaultsAndSaysEmailIsOff(t *testing.T) {
	f := handlertest.New(t)
	for _, tc := range []struct {
		user   string
		manage bool
	}{{handlertest.OwnerEmail, true}, {handlertest.POwnerEmail, true}, {handlertest.SAMEmail, false}, {handlertest.ReaderEmail, false}} {
		t.Run(tc.user, func(t *testing.T) {
			c := f.Login(tc.user)
			rec := c.Get("/groups/" + handlertest.IDs.Prod + "/alerts")
			c.MustStatus(rec, http.StatusOK)
			doc := handlertest.Parse(t, rec)
			if n := doc.Find(`[data-testid="alert-row"]`).Length(); n != len(models.DefaultAlertEvents) {
				t.Fatalf("%d alert rows, want the %d defaults", n, len(models.DefaultAlertEvents))
			}
			if doc.Find(`[data-testid="email-off"]`).Length() != 1 {
				t.Error("the page does not say that email is off")
			}
			if got := doc.Find(`[data-testid="alert-form"]`).Length() == 1; got != tc.manage {
				t.Errorf("form shown: %v, want %v", got, tc.manage)
			}
			if got := doc.Find(`[data-testid="alert-toggle"]`).Length() > 0; got != tc.manage {
				t.Errorf("toggles shown: %v, want %v", got, tc.manage)
			}
			if !strings.Contains(handlertest.Text(doc.Find(`[data-testid="alert-row"]`).First()), "Project Owners by email") {
				t.Errorf("first row: %s", handlertest.Text(doc.Find(`[data-testid="alert-row"]`).First()))
			}
		})
	}
}

// TestAnOwnerCreatesEditsDisablesAndDeletesAnAlert through the forms; a
// bad address re-renders the form with the reason and stores nothing.
func TestAnOwnerCreatesEditsDisablesAndDeletesAnAlert(t *testing.T) {
	f := handlertest.New(t)
	c := f.Login(handlertest.POwnerEmail)
	base := "/groups/" + handlertest.IDs.Prod + "/alerts"
	form := url.Values{"eventType": {string(models.EventRevoked)}, "matchOperator": {"STARTS_WITH"}, "matchValue": {"orders"},
		"emails": {"oncall@acme.test, not-an-address"}, "enabled": {"on"}}
	rec := c.Post(base, form)
	c.MustStatus(rec, http.StatusUnprocessableEntity)
	doc := handlertest.Parse(t, rec)
	if msg := handlertest.Text(doc.Find(`[data-testid="alert-error"]`)); !strings.Contains(msg, "not-an-address") {
		t.Fatalf("error %q", msg)
	}
	if v := doc.Find(`[data-testid="alert-emails"]`).AttrOr("value", ""); v != "oncall@acme.test, not-an-address" {
		t.Fatalf("the form lost what was typed: %q", v)
	}
	alerts, err := f.Store.AlertConfigs(t.Context(), models.Operator(handlertest.IDs.Org), handlertest.IDs.Prod)
	if err != nil || len(alerts) != len(models.DefaultAlertEvents) {
		t.Fatalf("%d alerts after a refusal (%v)", len(alerts), err)
	}
	form.Set("emails", "oncall@acme.test")
	form.Set("webhookUrl", "https://hooks.acme.test/in")
	form.Set("webhookSecret", "form-secret-1")
	c.MustStatus(c.Post(base, form), http.StatusSeeOther)
	alerts, err = f.Store.AlertConfigs(t.Context(), models.Operator(handlertest.IDs.Org), handlertest.IDs.Prod)
	if err != nil || len(alerts) != len(models.DefaultAlertEvents)+1 {
		t.Fatalf("%d alerts after a create (%v)", len(alerts), err)
	}
	made := alerts[len(alerts)-1]
	if made.EventType != models.EventRevoked || len(made.Matchers) != 1 || len(made.Notifications) != 2 || made.Notifications[1].WebhookSecret != "form-secret-1" {
		t.Fatalf("made %+v", made)
	}
	page := c.Get(base + "/" + made.ID)
	c.MustStatus(page, http.StatusOK)
	doc = handlertest.Parse(t, page)
	if strings.Contains(page.Body.String(), "form-secret-1") {
		t.Fatal("the page shows the webhook secret")
	}
	if doc.Find(`[data-testid="deliveries-table"]`).Length() != 1 {
		t.Fatal("no deliveries table")
	}
	// Save without typing the secret again: it is kept.
	form.Set("webhookSecret", "")
	form.Set("emails", "oncall@acme.test, second@acme.test")
	c.MustStatus(c.Post(base+"/"+made.ID, form), http.StatusSeeOther)
	got, err := f.Store.AlertConfig(t.Context(), models.Operator(handlertest.IDs.Org), handlertest.IDs.Prod, made.ID)
	if err != nil || len(got.Notifications) != 3 || got.Notifications[2].WebhookSecret != "form-secret-1" {
		t.Fatalf("after the edit: %+v (%v)", got, err)
	}
	c.MustStatus(c.Post(base+"/"+made.ID+"/enabled", url.Values{"enabled": {"false"}}), http.StatusSeeOther)
	if got, _ = f.Store.AlertConfig(t.Context(), models.Operator(handlertest.IDs.Org), handlertest.IDs.Prod, made.ID); got.Enabled {
		t.Fatal("still enabled")
	}
	c.MustStatus(c.Post(base+"/"+made.ID+"/delete", url.Values{}), http.StatusSeeOther)
	if _, err := f.Store.AlertConfig(t.Context(), models.Operator(handlertest.IDs.Org), handlertest.IDs.Prod, made.ID); models.ErrorCode(err) != models.ENOTFOUND {
		t.Fatalf("after delete: %v", err)
	}
}
