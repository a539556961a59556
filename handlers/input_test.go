package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

// Control characters are refused at input (input.go): on PostgreSQL a NUL
// in a text value was a 500, and no field has a use for one.

func TestControlCharactersAreRefusedAtInputWithA400(t *testing.T) {
	f := handlertest.New(t)
	b := handlertest.NewBrowserAt(t, f.Echo, "198.51.100.60:1000")
	if res := b.Login("owner@acme.test\x00", handlertest.Password); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("NUL in the login email: %d, want 400", res.StatusCode)
	}
	if n := f.Count(&models.LoginFailure{}); n != 0 {
		t.Fatalf("%d failures recorded for a refused login", n)
	}
	c := f.Login(handlertest.OwnerEmail)
	feed := "/orgs/" + handlertest.IDs.Org + "/activity"
	for _, q := range []url.Values{{"cluster": {"orders\x00"}}, {"type\x01": {"x"}}, {"type": {"\x1b[31m"}}} {
		rec := c.Get(feed + "?" + q.Encode())
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "control character") {
			t.Errorf("filter %v: %d, want 400 saying why", q, rec.Code)
		}
	}
	if rec := c.Get(feed + "?" + url.Values{"cluster": {"orders-prod"}}.Encode()); rec.Code != http.StatusOK {
		t.Fatalf("a clean filter: %d", rec.Code)
	}
}

func TestControlCharactersInSupportRequestsAreRefusedWithA400(t *testing.T) {
	f := handlertest.NewSupport(t)
	q := f.Question("orders-prod", models.ScopeDatabaseLogs)
	q["caseNumber"] = "CASE-1\x00"
	before := len(f.Decisions())
	if status, body := f.Ask(f.Token, q); status != http.StatusBadRequest {
		t.Fatalf("NUL in the case number: %d %v, want 400", status, body)
	}
	if status, body := f.Download(f.Token, f.Prod.ID, "orders-prod", "CASE-1\x00"); status != http.StatusBadRequest {
		t.Fatalf("NUL in the download's case number: %d %v, want 400", status, body)
	}
	if after := len(f.Decisions()); after != before {
		t.Fatalf("%d decisions recorded for refused requests", after-before)
	}
	// A refused body still says nothing to a caller without a token.
	if status, _ := f.Ask("not-a-token", q); status != http.StatusUnauthorized {
		t.Fatalf("NUL without a valid token: %d, want 401", status)
	}
}
