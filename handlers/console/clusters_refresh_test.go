package console_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
	"supportaccess/models/store"
	"supportaccess/models/store/storetest"
)

// An open clusters page re-syncs with one request: the rows and the block
// banner, without the layout, and they show a change made elsewhere.
func TestClustersRefreshIsOneRequestForAllRows(t *testing.T) {
	f := handlertest.New(t)
	c := f.Login(handlertest.OwnerEmail)
	refresh := func() (string, int) {
		rec := c.Do(http.MethodGet, handlertest.ClustersURL(handlertest.IDs.Prod), nil, map[string]string{"HX-Request": "true", "HX-Target": "clusters-body"})
		return rec.Body.String(), rec.Code
	}
	body, code := refresh()
	if code != http.StatusOK {
		t.Fatalf("refresh: %d", code)
	}
	if !strings.HasPrefix(strings.TrimSpace(body), `<tbody id="clusters-body"`) || strings.Contains(body, "<html") || strings.Contains(body, "Projects menu") {
		t.Fatalf("refresh is not just the rows: %s", handlertest.Excerpt(body))
	}
	if strings.Count(body, `data-testid="cluster-row"`) != 2 || !strings.Contains(body, "Support access is not blocked") {
		t.Fatalf("refresh lacks rows or banner: %s", handlertest.Excerpt(body))
	}
	// Another owner blocks access and grants: the next refresh shows both.
	f.SetBlock(true)
	f.Grant("analytics", models.GrantDatabaseLogs)
	body, _ = refresh()
	if !strings.Contains(body, "Support access is blocked for Acme Corp") || !strings.Contains(body, `data-testid="countdown"`) {
		t.Fatalf("refresh does not show the block and the grant: %s", handlertest.Excerpt(body))
	}
	// A plain request for the same address is still the whole page.
	if rec := c.Get(handlertest.ClustersURL(handlertest.IDs.Prod)); !strings.Contains(rec.Body.String(), "<html") {
		t.Fatalf("plain request did not get the page: %d", rec.Code)
	}
}

// clustersView is what one browser sees of the Production clusters page:
// the whole page or its re-sync, parsed.
func clustersView(t *testing.T, c *handlertest.Client, refresh bool) *goquery.Document {
	t.Helper()
	var h map[string]string
	if refresh {
		h = map[string]string{"HX-Request": "true", "HX-Target": "clusters-body"}
	}
	rec := c.Do(http.MethodGet, handlertest.ClustersURL(handlertest.IDs.Prod), nil, h)
	c.MustStatus(rec, http.StatusOK)
	if refresh {
		// The rows are read inside a table, as htmx swaps them.
		rec.Body = bytes.NewBufferString("<table>" + rec.Body.String() + "</table>")
	}
	return handlertest.Parse(t, rec)
}

// accessStatus is the support-access cell of a cluster's row, as the page
// and its re-sync show it; both must agree.
func accessStatus(t *testing.T, c *handlertest.Client, cluster string) string {
	t.Helper()
	var got [2]string
	for i, refresh := range []bool{false, true} {
		doc := clustersView(t, c, refresh)
		got[i] = handlertest.Text(handlertest.Row(doc, cluster).Find(`[data-testid="access-status"]`))
		if doc.Find(`[data-testid="cluster-row"]`).Length() == 0 {
			t.Fatal("no rows")
		}
	}
	if got[0] != got[1] {
		t.Fatalf("page says %q, re-sync %q", got[0], got[1])
	}
	return got[0]
}

// TestClustersPageIsNeverStale: however the page keeps what it read, every
// change shows on the next request, and a grant goes at the instant it
// expires, with no sweep.
func TestClustersPageIsNeverStale(t *testing.T) {
	f := handlertest.New(t)
	ctx := context.Background()
	c := f.Login(handlertest.OwnerEmail)
	if s := accessStatus(t, c, "analytics"); !strings.HasPrefix(s, "Standing access") {
		t.Fatalf("before: %q", s)
	}
	f.SetBlock(true)
	if s := accessStatus(t, c, "analytics"); s != "No access" {
		t.Fatalf("block on: %q", s)
	}
	f.Grant("analytics", models.GrantDatabaseLogs)
	if s := accessStatus(t, c, "analytics"); !strings.HasPrefix(s, "Access granted") {
		t.Fatalf("granted: %q", s)
	}
	if _, _, err := f.Store.RevokeAccess(ctx, f.Actor(handlertest.OwnerEmail), handlertest.IDs.Prod, "analytics"); err != nil {
		t.Fatal(err)
	}
	if s := accessStatus(t, c, "analytics"); s != "No access" {
		t.Fatalf("revoked: %q", s)
	}
	f.SetBlock(false)
	if s := accessStatus(t, c, "analytics"); !strings.HasPrefix(s, "Standing access") {
		t.Fatalf("block off: %q", s)
	}
	// A grant's last instant, then its expiry.
	f.SetBlock(true)
	expires := f.Now().Add(10 * time.Minute)
	if _, err := f.Store.GrantAccess(ctx, f.Actor(handlertest.OwnerEmail), models.GrantRequest{ProjectID: handlertest.IDs.Prod, ClusterName: "orders-prod",
		Type: models.GrantInfrastructure, ExpiresAt: expires}); err != nil {
		t.Fatal(err)
	}
	if s := accessStatus(t, c, "orders-prod"); !strings.HasPrefix(s, "Access granted 00:10:00") {
		t.Fatalf("granted: %q", s)
	}
	f.Advance(10*time.Minute - time.Millisecond)
	if s := accessStatus(t, c, "orders-prod"); !strings.HasPrefix(s, "Access granted 00:00:00") {
		t.Fatalf("a millisecond before expiry: %q", s)
	}
	f.Advance(time.Millisecond)
	if s := accessStatus(t, c, "orders-prod"); s != "No access" {
		t.Fatalf("at expiry: %q", s)
	}
	// A new cluster shows in the table and in the navigation's count.
	if _, err := f.Store.CreateCluster(ctx, handlertest.IDs.Prod, "reporting", false); err != nil {
		t.Fatal(err)
	}
	doc := clustersView(t, c, false)
	if handlertest.Row(doc, "reporting").Length() != 1 || !strings.Contains(doc.Find("body").Text(), "3 clusters") {
		t.Fatalf("new cluster missing:\n%s", handlertest.Excerpt(doc.Find("body").Text()))
	}
}

// TestClustersPageShowsAnotherReplicasChanges: two servers on one
// database; what one changes, the page the other serves shows at once.
func TestClustersPageShowsAnotherReplicasChanges(t *testing.T) {
	f := handlertest.New(t)
	ctx := context.Background()
	var dbs []struct {
		Seq        int
		Name, File string
	}
	if err := storetest.DB(f.Store).Raw("PRAGMA database_list").Scan(&dbs).Error; err != nil || len(dbs) == 0 || dbs[0].File == "" {
		t.Fatalf("database file: %v %v", dbs, err)
	}
	other, err := store.Open(dbs[0].File)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	other.Now = f.Store.Now
	owner := f.Actor(handlertest.OwnerEmail)
	c := f.Login(handlertest.ReaderEmail)
	if s := accessStatus(t, c, "orders-prod"); !strings.HasPrefix(s, "Standing access") {
		t.Fatalf("before: %q", s)
	}
	if _, err := other.SetBlock(ctx, owner, handlertest.IDs.Org, true); err != nil {
		t.Fatal(err)
	}
	if s := accessStatus(t, c, "orders-prod"); s != "No access" {
		t.Fatalf("blocked elsewhere: %q", s)
	}
	if _, err := other.GrantAccess(ctx, owner, models.GrantRequest{ProjectID: handlertest.IDs.Prod, ClusterName: "orders-prod", Type: models.GrantInfrastructure}); err != nil {
		t.Fatal(err)
	}
	if s := accessStatus(t, c, "orders-prod"); !strings.HasPrefix(s, "Access granted") {
		t.Fatalf("granted elsewhere: %q", s)
	}
	if _, _, err := other.RevokeAccess(ctx, owner, handlertest.IDs.Prod, "orders-prod"); err != nil {
		t.Fatal(err)
	}
	if s := accessStatus(t, c, "orders-prod"); s != "No access" {
		t.Fatalf("revoked elsewhere: %q", s)
	}
}
