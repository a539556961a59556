package console_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

// fileRequests files two requests by a support employee, orders-prod's
// first, and returns their ids.
func fileRequests(t *testing.T, f *handlertest.Fixture) (string, string) {
	t.Helper()
	ctx := context.Background()
	st, _, err := f.Store.CreateSupportStaff(ctx, "tse@provider.test", 0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, in := range []models.RequestInput{
		{ProjectID: handlertest.IDs.Prod, ClusterName: "orders-prod", GrantType: models.GrantInfrastructure, DurationHours: 4, CaseNumber: "00977777", Justification: "failover"},
		{ProjectID: handlertest.IDs.Prod, ClusterName: "analytics", GrantType: models.GrantDatabaseLogs, DurationHours: 2, CaseNumber: "00977801"},
	} {
		f.Advance(1e9)
		r, err := f.Store.CreateRequest(ctx, st, in)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	return ids[0], ids[1]
}

func TestAccessRequestsPageAndDialogs(t *testing.T) {
	f := handlertest.New(t)
	first, second := fileRequests(t, f)
	c := f.Login(handlertest.OwnerEmail)
	page := "/orgs/" + handlertest.IDs.Org + "/requests"
	doc := handlertest.Parse(t, c.Get(page))
	if got := handlertest.Text(doc.Find(`[data-testid="pending-count"]`).First()); got != "2" {
		t.Fatalf("sidebar count %q, want 2", got)
	}
	rows := doc.Find(`[data-testid="request-row"]`)
	if rows.Length() != 2 || rows.First().AttrOr("data-request", "") != second {
		t.Fatalf("%d rows, first %q; want 2, newest first", rows.Length(), rows.First().AttrOr("data-request", ""))
	}
	// The clusters page shows the request on the row and in its menu.
	clusters := handlertest.Parse(t, c.Get(handlertest.ClustersURL(handlertest.IDs.Prod)))
	if handlertest.Row(clusters, "orders-prod").Find(`[data-testid="request-badge"]`).Length() != 1 ||
		!strings.Contains(handlertest.Text(handlertest.Row(clusters, "orders-prod").Find(`[data-testid="review-request-item"]`)), "00977777") {
		t.Fatal("orders-prod's row shows no request badge or review item")
	}
	// The dialog, and the same form as a plain page.
	approve := "/groups/" + handlertest.IDs.Prod + "/requests/" + first + "/approve"
	for _, rec := range []*httptest.ResponseRecorder{c.HxGet(approve + "?from=requests"), c.Get(approve)} {
		d := handlertest.Parse(t, rec).Find(`[data-testid="approve-dialog"]`)
		if got := handlertest.Text(d.Find(`[data-testid="facts-case"]`)); got != "00977777" || !strings.Contains(handlertest.Text(d), "tse@provider.test") ||
			!strings.Contains(handlertest.Text(d.Find(`[data-testid="facts-type"]`)), "for 4 hours") {
			t.Fatalf("approval dialog shows %q", handlertest.Text(d))
		}
	}
	// A reader sees the requests but cannot decide.
	reader := f.Login(handlertest.ReaderEmail)
	if n := handlertest.Parse(t, reader.Get(page)).Find(`[data-testid="approve-link"]`).Length(); n != 0 {
		t.Fatalf("a reader is offered %d approvals", n)
	}
	reader.MustStatus(reader.Get(approve), http.StatusForbidden)

	// Approving swaps the row in place with the grant's countdown.
	form := url.Values{"from": {"requests"}, "grantType": {string(models.GrantInfrastructure)}, "durationHours": {"3"}}
	rec := c.HxPost(approve, form)
	c.MustStatus(rec, http.StatusOK)
	done := handlertest.Parse(t, rec)
	row := done.Find(`tr[data-request="` + first + `"]`)
	if row.AttrOr("data-status", "") != "APPROVED" || row.Find(`[data-testid="countdown"]`).Length() != 1 {
		t.Fatalf("approved row: %q", handlertest.Text(row))
	}
	if f.OpenGrants() != 1 {
		t.Fatalf("%d open grants after the approval", f.OpenGrants())
	}
	// Approving again says why in the dialog, and changes nothing.
	events := f.Count(&models.Event{})
	again := c.HxPost(approve, form)
	c.MustStatus(again, http.StatusConflict)
	if msg := handlertest.Text(handlertest.Parse(t, again).Find(`[data-testid="form-error"]`)); !strings.Contains(msg, "approved, not pending") {
		t.Fatalf("second approval says %q", msg)
	}
	// A denial needs a reason.
	deny := "/groups/" + handlertest.IDs.Prod + "/requests/" + second + "/deny"
	blank := c.HxPost(deny, url.Values{"from": {"requests"}, "reason": {" "}})
	c.MustStatus(blank, http.StatusUnprocessableEntity)
	if msg := handlertest.Text(handlertest.Parse(t, blank).Find(`[data-testid="form-error"]`)); !strings.Contains(msg, "Say why") {
		t.Fatalf("a blank denial says %q", msg)
	}
	if n := f.Count(&models.Event{}); n != events {
		t.Fatalf("refused decisions wrote %d events", n-events)
	}
	c.MustStatus(c.Post(deny, url.Values{"reason": {"Use staging"}}), http.StatusSeeOther)
	if got := handlertest.Text(handlertest.Parse(t, c.Get(page+"?status=DENIED")).Find(`[data-testid="deny-reason"]`)); got != "Use staging" {
		t.Fatalf("denied row shows %q", got)
	}
}
