package console_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

// activityFixture writes 52 events a second apart: 30 block changes, 12
// grants on Production's analytics (1 granted, 11 replaced) and 10 on
// Staging's staging-1 (1 granted, 9 replaced).
func activityFixture(t *testing.T) *handlertest.Fixture {
	t.Helper()
	f := handlertest.New(t)
	ctx := context.Background()
	owner := f.Actor(handlertest.OwnerEmail)
	for i := 0; i < 30; i++ {
		f.Advance(time.Second)
		f.SetBlock(i%2 == 0)
	}
	for _, g := range []struct {
		project, cluster string
		n                int
	}{{handlertest.IDs.Prod, "analytics", 12}, {handlertest.IDs.Staging, "staging-1", 10}} {
		for i := 0; i < g.n; i++ {
			f.Advance(time.Second)
			// Alternate types: a grant of the type in force would extend it.
			typ := []models.GrantType{models.GrantDatabaseLogs, models.GrantInfrastructure}[i%2]
			if _, err := f.Store.GrantAccess(ctx, owner, models.GrantRequest{ProjectID: g.project, ClusterName: g.cluster, Type: typ}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := f.Count(&models.Event{}); n != 52 {
		t.Fatalf("fixture wrote %d events, want 52", n)
	}
	return f
}

func TestActivityFeedFiltersAndPages(t *testing.T) {
	f := activityFixture(t)
	c := f.Login(handlertest.OwnerEmail)
	feed := "/orgs/" + handlertest.IDs.Org + "/activity"
	// The feed pages by keyset: the rows before (older than) or after
	// (newer than) an event's id.
	evs, _, err := f.Store.Events(context.Background(), models.Operator(handlertest.IDs.Org), models.EventFilter{OrgID: handlertest.IDs.Org, PerPage: 52})
	if err != nil || len(evs) != 52 {
		t.Fatalf("%d events: %v", len(evs), err)
	}
	firstPageLast, secondPageFirst, oldest := evs[49].ID, evs[50].ID, evs[51].ID
	cases := []struct {
		name     string
		query    url.Values
		rows     int
		total    int
		clusters []string // every row's cluster, if set
		types    []string // every row's type is one of these, if set
		next     bool
		prev     bool
	}{
		{"first page", nil, 50, 52, nil, nil, true, false},
		{"second page", url.Values{"before": {firstPageLast}}, 2, 52, nil, nil, false, true},
		{"back to the first", url.Values{"after": {secondPageFirst}}, 50, 52, nil, nil, true, false},
		{"past the end", url.Values{"before": {oldest}}, 0, 52, nil, nil, false, true},
		{"project", url.Values{"project": {handlertest.IDs.Prod}}, 12, 12, []string{"analytics"}, nil, false, false},
		{"other project", url.Values{"project": {handlertest.IDs.Staging}}, 10, 10, []string{"staging-1"}, nil, false, false},
		{"cluster", url.Values{"cluster": {"staging-1"}}, 10, 10, []string{"staging-1"}, nil, false, false},
		{"cluster in the wrong project", url.Values{"cluster": {"staging-1"}, "project": {handlertest.IDs.Prod}}, 0, 0, nil, nil, false, false},
		{"unknown cluster", url.Values{"cluster": {"nope"}}, 0, 0, nil, nil, false, false},
		{"event type", url.Values{"type": {string(models.EventBlockOn)}}, 15, 15, nil, []string{string(models.EventBlockOn)}, false, false},
		{"replaced", url.Values{"type": {string(models.EventReplaced)}}, 20, 20, nil, []string{string(models.EventReplaced)}, false, false},
		{"all three", url.Values{"type": {string(models.EventGranted)}, "project": {handlertest.IDs.Prod}, "cluster": {"analytics"}}, 1, 1,
			[]string{"analytics"}, []string{string(models.EventGranted)}, false, false},
		{"empty filters are no filters", url.Values{"project": {""}, "cluster": {""}, "type": {""}}, 50, 52, nil, nil, true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := c.Get(feed + "?" + tc.query.Encode())
			c.MustStatus(rec, http.StatusOK)
			doc := handlertest.Parse(t, rec)
			rows := doc.Find(`[data-testid="events-table"] [data-testid="event-row"]`)
			if rows.Length() != tc.rows {
				t.Fatalf("%d rows, want %d", rows.Length(), tc.rows)
			}
			if pager := handlertest.Text(doc.Find(`nav.pager`)); !strings.Contains(pager, "of "+strconv.Itoa(tc.total)) {
				t.Fatalf("pager %q, want a total of %d", pager, tc.total)
			}
			rows.Each(func(_ int, r *goquery.Selection) {
				if tc.types != nil && !slices.Contains(tc.types, r.AttrOr("data-event-type", "")) {
					t.Errorf("row of type %q", r.AttrOr("data-event-type", ""))
				}
				if tc.clusters != nil && !slices.Contains(tc.clusters, handlertest.Text(r.Find(".cluster-name"))) {
					t.Errorf("row of cluster %q", handlertest.Text(r.Find(".cluster-name")))
				}
			})
			next, prev := doc.Find(`nav.pager a[rel="next"]`), doc.Find(`nav.pager a[rel="prev"]`)
			if (next.Length() == 1) != tc.next || (prev.Length() == 1) != tc.prev {
				t.Fatalf("next link %v, prev link %v; want %v, %v", next.Length(), prev.Length(), tc.next, tc.prev)
			}
			// The pager keeps the filters.
			if href, ok := next.Attr("href"); ok {
				u, _ := url.Parse(href)
				for k := range tc.query {
					if k == "before" || k == "after" {
						continue // the cursor moves
					}
					if tc.query.Get(k) != "" && u.Query().Get(k) != tc.query.Get(k) {
						t.Fatalf("next link %q drops filter %s", href, k)
					}
				}
			}
			// The filter form shows the filters in force.
			if p := tc.query.Get("project"); p != "" {
				if got := doc.Find(`[data-testid="activity-filters"] select[name="project"] option[selected]`).AttrOr("value", ""); got != p {
					t.Fatalf("project filter shows %q", got)
				}
			}
		})
	}
	// Newest first, across pages, with no event twice.
	seen := map[string]bool{}
	var last string
	for page, next := 1, feed; page <= 2; page++ {
		doc := handlertest.Parse(t, c.Get(next))
		next = doc.Find(`nav.pager a[rel="next"]`).AttrOr("href", "")
		doc.Find(`[data-testid="event-row"]`).Each(func(_ int, r *goquery.Selection) {
			at := handlertest.Text(r.Find("td").First())
			key := at + r.AttrOr("data-event-type", "") + handlertest.Text(r.Find(".cluster-name"))
			if seen[key] {
				t.Errorf("event %s on two pages", key)
			}
			seen[key] = true
			if last != "" && at > last {
				t.Errorf("event at %s after %s: not newest first", at, last)
			}
			last = at
		})
	}
	if len(seen) != 52 {
		t.Fatalf("%d distinct events over both pages, want 52", len(seen))
	}
}

func TestActivityFeedScopesAndBadFilters(t *testing.T) {
	f := activityFixture(t)
	feed := "/orgs/" + handlertest.IDs.Org + "/activity"
	owner := f.Login(handlertest.OwnerEmail)
	cases := []struct {
		name   string
		query  string
		status int
		msg    string
	}{
		{"unknown event type", "type=EVERYTHING", http.StatusUnprocessableEntity, "Unknown event type"},
		{"cursor not an id", "before=0", http.StatusUnprocessableEntity, "row id"},
		{"cursor of capitals", "after=ABCDEF0123456789ABCDEF01", http.StatusUnprocessableEntity, "row id"},
		{"cursor not hex", "before=two", http.StatusUnprocessableEntity, "row id"},
		{"cursor too long", "before=" + strings.Repeat("9", 30), http.StatusUnprocessableEntity, "row id"},
		{"both ways", "before=" + strings.Repeat("0", 24) + "&after=" + strings.Repeat("0", 24), http.StatusUnprocessableEntity, "not both"},
		{"malformed project id", "project=zzz", http.StatusNotFound, "No project"},
		{"unknown project id", "project=000000000000000000000000", http.StatusNotFound, "No project"},
		{"another organization's project", "project=" + handlertest.IDs.GlobexProd, http.StatusNotFound, "No project"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := owner.Get(feed + "?" + tc.query)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d", rec.Code, tc.status)
			}
			if msg := handlertest.Text(handlertest.Parse(t, rec).Find(`[data-testid="error-page"] h1`)); !strings.Contains(msg, tc.msg) {
				t.Fatalf("message %q, want it to say %q", msg, tc.msg)
			}
		})
	}
	// A project read-only member sees organization events and their
	// project's, never another project's.
	reader := f.Login(handlertest.ReaderEmail)
	doc := handlertest.Parse(t, reader.Get(feed+"?cluster=staging-1"))
	if n := doc.Find(`[data-testid="event-row"]`).Length(); n != 0 {
		t.Fatalf("a Production reader sees %d Staging events", n)
	}
	doc = handlertest.Parse(t, reader.Get(feed))
	if !strings.Contains(handlertest.Text(doc.Find("nav.pager")), "of 42") { // 30 block changes + 12 Production
		t.Fatalf("reader's feed: %q, want 42 events", handlertest.Text(doc.Find("nav.pager")))
	}
}

func TestActivityRecordsWhoWhatWhereAndFrom(t *testing.T) {
	f := handlertest.New(t)
	c := f.Login(handlertest.SAMEmail)
	f.SetBlock(true)
	f.Advance(time.Second) // events of one instant have no defined order
	c.Get(handlertest.ClustersURL(handlertest.IDs.Prod))
	c.MustStatus(c.Post(handlertest.ClusterURL(handlertest.IDs.Prod, "analytics", "/grant"), url.Values{"grantType": {string(models.GrantDatabaseLogs)}}), http.StatusSeeOther)
	f.Advance(time.Second)
	c.MustStatus(c.Post(handlertest.ClusterURL(handlertest.IDs.Prod, "analytics", "/revoke"), nil), http.StatusSeeOther)
	doc := handlertest.Parse(t, f.Login(handlertest.OwnerEmail).Get("/orgs/"+handlertest.IDs.Org+"/activity"))
	rows := doc.Find(`[data-testid="event-row"]`)
	if rows.Length() != 3 {
		t.Fatalf("%d events, want 3", rows.Length())
	}
	want := []struct{ typ, label string }{
		{string(models.EventRevoked), "Temporary access revoked"},
		{string(models.EventGranted), "Temporary access granted"},
		{string(models.EventBlockOn), "Support access blocked"},
	}
	rows.Each(func(i int, r *goquery.Selection) {
		line := handlertest.Text(r)
		if r.AttrOr("data-event-type", "") != want[i].typ || !strings.Contains(line, want[i].label) {
			t.Errorf("row %d: %q, want %s", i, line, want[i].label)
		}
		if i < 2 {
			for _, part := range []string{"analytics", "Database logs only", handlertest.SAMEmail, "192.0.2.1", "until Nov 28, 2026, 12:00 UTC"} {
				if !strings.Contains(line, part) {
					t.Errorf("row %d: %q lacks %q", i, line, part)
				}
			}
		}
	})
}
