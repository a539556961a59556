package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
	"supportaccess/models/store/storetest"
	"supportaccess/views"
)

// Menu items, word for word as the source procedure names them.
const (
	grantItem  = "Grant Temporary Infrastructure Access to MongoDB Support"
	syncItem   = "Grant Temporary Sync Data Access to MongoDB Support"
	revokeItem = "Revoke Temporary Infrastructure Access"
	// extendItem is ours: the product's extension of a grant in force.
	extendItem = "Extend Temporary Access"
)

// menuItems lists the items of a cluster's ellipsis menu that the source
// procedure describes. The link to the cluster's Support Access Log is
// navigation every role has, not a step of the procedure, so it is left out.
func menuItems(doc *goquery.Document, cluster string) []string {
	return handlertest.Texts(handlertest.Row(doc, cluster).Find(`[data-testid="cluster-menu"] [role="menuitem"]:not([data-testid="cluster-access-log"])`))
}

func TestClusterMenuFollowsTheProcedure(t *testing.T) {
	expiry := "Temporary access expires " + views.FormatTime(handlertest.StartClock.Add(models.GrantDuration))
	type state struct {
		block bool
		grant string // cluster with an active grant, if any
	}
	cases := []struct {
		name    string
		user    string
		st      state
		cluster string
		want    []string
	}{
		{"block on", handlertest.OwnerEmail, state{block: true}, "analytics", []string{grantItem}},
		{"block on, sync cluster", handlertest.OwnerEmail, state{block: true}, "orders-prod", []string{grantItem}},
		{"block off, sync enabled", handlertest.OwnerEmail, state{}, "orders-prod", []string{syncItem}},
		{"block off, no sync", handlertest.OwnerEmail, state{}, "analytics", []string{}},
		{"active grant, block on", handlertest.OwnerEmail, state{true, "analytics"}, "analytics", []string{expiry, extendItem, revokeItem}},
		{"active grant, block off", handlertest.OwnerEmail, state{false, "orders-prod"}, "orders-prod", []string{expiry, extendItem, revokeItem}},
		{"grant on another cluster", handlertest.OwnerEmail, state{true, "orders-prod"}, "analytics", []string{grantItem}},
		{"project owner, block on", handlertest.POwnerEmail, state{block: true}, "analytics", []string{grantItem}},
		{"support access manager, block on", handlertest.SAMEmail, state{block: true}, "analytics", []string{grantItem}},
		{"support access manager, active grant", handlertest.SAMEmail, state{true, "analytics"}, "analytics", []string{expiry, extendItem, revokeItem}},
		{"support access manager, block off", handlertest.SAMEmail, state{}, "orders-prod", []string{syncItem}},
		{"project read only, block on", handlertest.ReaderEmail, state{block: true}, "analytics", []string{}},
		{"project read only, block off", handlertest.ReaderEmail, state{}, "orders-prod", []string{}},
		{"project read only, active grant", handlertest.ReaderEmail, state{true, "analytics"}, "analytics", []string{expiry}},
		{"organization read only, block on", handlertest.OrgROEmail, state{block: true}, "orders-prod", []string{}},
		{"organization read only, active grant", handlertest.OrgROEmail, state{true, "orders-prod"}, "orders-prod", []string{expiry}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := handlertest.New(t)
			if tc.st.grant != "" {
				f.Grant(tc.st.grant, models.GrantInfrastructure)
			}
			if tc.st.block {
				f.SetBlock(true)
			}
			c := f.Login(tc.user)
			rec := c.Get(handlertest.ClustersURL(handlertest.IDs.Prod))
			c.MustStatus(rec, http.StatusOK)
			doc := handlertest.Parse(t, rec)
			if got := handlertest.Row(doc, tc.cluster).Length(); got != 1 {
				t.Fatalf("%d rows for %s", got, tc.cluster)
			}
			if got := menuItems(doc, tc.cluster); !slices.Equal(got, tc.want) {
				t.Fatalf("menu items %q, want %q", got, tc.want)
			}
			// The status cell says the same thing as the menu.
			status := handlertest.Text(handlertest.Row(doc, tc.cluster).Find(`[data-testid="access-status"]`))
			hasCountdown := handlertest.Row(doc, tc.cluster).Find(`[data-testid="countdown"][role="timer"]`).Length() == 1
			switch {
			case tc.st.grant == tc.cluster:
				if !strings.Contains(status, "Access granted") || !hasCountdown {
					t.Fatalf("status %q, countdown %v: want granted with a countdown", status, hasCountdown)
				}
				if cd := handlertest.Text(handlertest.Row(doc, tc.cluster).Find(`[data-testid="countdown"]`)); cd != "24:00:00" {
					t.Fatalf("countdown %q, want 24:00:00", cd)
				}
			case tc.st.block:
				if !strings.Contains(status, "No access") || hasCountdown {
					t.Fatalf("status %q: want no access", status)
				}
			default:
				if strings.Contains(status, "No access") || strings.Contains(status, "Access granted") || hasCountdown {
					t.Fatalf("status %q: want standing access", status)
				}
			}
			// The same row, re-synced alone, has the same items.
			part := c.HxGet(handlertest.ClusterURL(handlertest.IDs.Prod, tc.cluster, "/status"))
			c.MustStatus(part, http.StatusOK)
			if got := menuItems(handlertest.Parse(t, part), tc.cluster); !slices.Equal(got, tc.want) {
				t.Fatalf("re-synced row: menu items %q, want %q", got, tc.want)
			}
		})
	}
}

// TestCountdownSaysWhatFollowsTheGrant: a granted row carries what its
// status cell will say when the countdown reaches zero, decided on the
// server: no access under the block, standing access without it.
func TestCountdownSaysWhatFollowsTheGrant(t *testing.T) {
	for _, tc := range []struct {
		block bool
		want  string
	}{{true, "No access"}, {false, "Standing access"}} {
		f := handlertest.New(t)
		f.Grant("orders-prod", models.GrantInfrastructureSync)
		f.SetBlock(tc.block)
		c := f.Login(handlertest.OwnerEmail)
		doc := handlertest.Parse(t, c.Get(handlertest.ClustersURL(handlertest.IDs.Prod)))
		after := handlertest.Row(doc, "orders-prod").Find(`[data-testid="access-status"] template[data-after-expiry]`)
		if got := handlertest.Text(after); after.Length() != 1 || !strings.HasPrefix(got, tc.want) {
			t.Fatalf("block %v: after expiry the cell would say %q, want %q", tc.block, got, tc.want)
		}
	}
}

func TestCountdownReachesZeroOnTheServerToo(t *testing.T) {
	f := handlertest.New(t)
	f.SetBlock(true)
	f.Grant("analytics", models.GrantDatabaseLogs)
	f.Advance(models.GrantDuration - 90*time.Second)
	c := f.Login(handlertest.ReaderEmail) // after the jump, or the session would have idled out
	doc := handlertest.Parse(t, c.HxGet(handlertest.ClusterURL(handlertest.IDs.Prod, "analytics", "/status")))
	if cd := handlertest.Text(handlertest.Row(doc, "analytics").Find(`[data-testid="countdown"]`)); cd != "00:01:30" {
		t.Fatalf("countdown %q, want 00:01:30", cd)
	}
	f.Advance(90 * time.Second)
	doc = handlertest.Parse(t, c.HxGet(handlertest.ClusterURL(handlertest.IDs.Prod, "analytics", "/status")))
	if status := handlertest.Text(handlertest.Row(doc, "analytics").Find(`[data-testid="access-status"]`)); !strings.Contains(status, "No access") {
		t.Fatalf("at zero the status is %q, want no access", status)
	}
	if got := menuItems(doc, "analytics"); len(got) != 0 {
		t.Fatalf("at zero the read-only menu still has %q", got)
	}
}

func TestReadOnlyRolesCannotGrantOrRevokeByPosting(t *testing.T) {
	for _, user := range []string{handlertest.ReaderEmail, handlertest.OrgROEmail} {
		t.Run(user, func(t *testing.T) {
			f := handlertest.New(t)
			f.SetBlock(true)
			g := f.Grant("orders-prod", models.GrantInfrastructure)
			before := f.Count(&models.Event{})
			c := f.Login(user)
			c.Get(handlertest.ClustersURL(handlertest.IDs.Prod))
			steps := []struct {
				name string
				rec  func() int
			}{
				{"open grant dialog", func() int { return c.HxGet(handlertest.ClusterURL(handlertest.IDs.Prod, "analytics", "/grant")).Code }},
				{"open grant page", func() int { return c.Get(handlertest.ClusterURL(handlertest.IDs.Prod, "analytics", "/grant")).Code }},
				{"post grant", func() int {
					return c.Post(handlertest.ClusterURL(handlertest.IDs.Prod, "analytics", "/grant"), url.Values{"grantType": {string(models.GrantInfrastructure)}}).Code
				}},
				{"post grant, htmx", func() int {
					return c.HxPost(handlertest.ClusterURL(handlertest.IDs.Prod, "analytics", "/grant"), url.Values{"grantType": {string(models.GrantDatabaseLogs)}}).Code
				}},
				{"post sync grant", func() int {
					return c.Post(handlertest.ClusterURL(handlertest.IDs.Prod, "orders-prod", "/grant"), url.Values{"grantType": {string(models.GrantInfrastructureSync)}}).Code
				}},
				{"open revoke dialog", func() int {
					return c.HxGet(handlertest.ClusterURL(handlertest.IDs.Prod, "orders-prod", "/revoke")).Code
				}},
				{"post revoke", func() int {
					return c.Post(handlertest.ClusterURL(handlertest.IDs.Prod, "orders-prod", "/revoke"), nil).Code
				}},
				{"post revoke, htmx", func() int {
					return c.HxPost(handlertest.ClusterURL(handlertest.IDs.Prod, "orders-prod", "/revoke"), nil).Code
				}},
			}
			for _, s := range steps {
				if got := s.rec(); got != http.StatusForbidden {
					t.Errorf("%s: status %d, want 403", s.name, got)
				}
			}
			var grants []models.Grant
			if err := storetest.DB(f.Store).Find(&grants).Error; err != nil {
				t.Fatal(err)
			}
			if len(grants) != 1 || grants[0].ID != g.ID || grants[0].ClosedAt != 0 || f.Count(&models.Event{}) != before {
				t.Fatalf("a refused request changed grants or events: %+v, events %d (before %d)", grants, f.Count(&models.Event{}), before)
			}
		})
	}
}

func TestGrantModalOffersSyncOnlyWhereEnabled(t *testing.T) {
	f := handlertest.New(t)
	f.SetBlock(true)
	c := f.Login(handlertest.SAMEmail)
	cases := []struct {
		cluster string
		want    []string
	}{
		{"orders-prod", []string{"Atlas cluster infrastructure and all cluster logs", "Only database logs", "Grant Infrastructure and App Services Sync Data"}},
		{"analytics", []string{"Atlas cluster infrastructure and all cluster logs", "Only database logs"}},
	}
	for _, tc := range cases {
		for _, htmx := range []bool{true, false} {
			get := c.Get
			if htmx {
				get = c.HxGet
			}
			rec := get(handlertest.ClusterURL(handlertest.IDs.Prod, tc.cluster, "/grant"))
			c.MustStatus(rec, http.StatusOK)
			doc := handlertest.Parse(t, rec)
			dlg := doc.Find(`[data-testid="grant-dialog"]`)
			if htmx {
				dlg = doc.Find(`dialog[data-testid="grant-dialog"]`)
			}
			if dlg.Length() != 1 {
				t.Fatalf("%s (htmx %v): no grant dialog", tc.cluster, htmx)
			}
			if title := handlertest.Text(dlg.Find("#grant-title")); title != "Grant Infrastructure Access to MongoDB Support for 24 hours" {
				t.Fatalf("dialog title %q", title)
			}
			if got := handlertest.Texts(dlg.Find(`label:has(input[name="grantType"]) .choice-label`)); !slices.Equal(got, tc.want) {
				t.Fatalf("%s (htmx %v): choices %q, want %q", tc.cluster, htmx, got, tc.want)
			}
			if got := dlg.Find(`input[name="grantType"]`).Length(); got != len(tc.want) {
				t.Fatalf("%d radio buttons for %d labels", got, len(tc.want))
			}
			if handlertest.Text(dlg.Find(`button[type="submit"]`)) != "Grant Access" {
				t.Fatalf("no Grant Access button")
			}
			if dlg.Find(`input[name="requestKey"]`).AttrOr("value", "") == "" || dlg.Find(`input[name="_csrf"]`).AttrOr("value", "") == "" {
				t.Fatalf("form lacks its request key or CSRF token")
			}
		}
	}
}

func TestBadGrantIsExplainedInTheFormAndStoresNothing(t *testing.T) {
	cases := []struct {
		name, cluster, grantType, msg string
	}{
		{"unknown grant type", "orders-prod", "EVERYTHING", "Unknown grant type"},
		{"no grant type", "analytics", "", "Unknown grant type"},
		{"sync on a cluster without sync", "analytics", string(models.GrantInfrastructureSync), "does not have App Services sync enabled"},
		{"request key used for another cluster", "analytics", string(models.GrantInfrastructure), "already used for another cluster"},
	}
	for _, tc := range cases {
		for _, htmx := range []bool{true, false} {
			t.Run(tc.name+map[bool]string{true: ", htmx", false: ", page"}[htmx], func(t *testing.T) {
				f := handlertest.New(t)
				f.SetBlock(true)
				form := url.Values{"grantType": {tc.grantType}, "requestKey": {"k-" + tc.cluster}}
				var wantGrants int64
				if strings.HasPrefix(tc.name, "request key") {
					res, err := f.Store.GrantAccess(t.Context(), f.Actor(handlertest.OwnerEmail), models.GrantRequest{ProjectID: handlertest.IDs.Prod,
						ClusterName: "orders-prod", Type: models.GrantInfrastructure, RequestKey: "k-" + tc.cluster})
					if err != nil || res.Repeated {
						t.Fatal(err)
					}
					wantGrants = 1
				}
				events := f.Count(&models.Event{})
				c := f.Login(handlertest.OwnerEmail)
				c.Get(handlertest.ClustersURL(handlertest.IDs.Prod))
				post := c.Post
				if htmx {
					post = c.HxPost
				}
				rec := post(handlertest.ClusterURL(handlertest.IDs.Prod, tc.cluster, "/grant"), form)
				c.MustStatus(rec, http.StatusUnprocessableEntity)
				doc := handlertest.Parse(t, rec)
				if htmx != (doc.Find("html > body > header, .topbar").Length() == 0) {
					t.Fatalf("htmx %v but the answer is a %s", htmx, map[bool]string{true: "page", false: "partial"}[htmx])
				}
				dlg := doc.Find(`[data-testid="grant-dialog"]`)
				if msg := handlertest.Text(dlg.Find(`[data-testid="form-error"][role="alert"]`)); !strings.Contains(msg, tc.msg) {
					t.Fatalf("form error %q, want it to say %q", msg, tc.msg)
				}
				if dlg.Find(`input[name="grantType"]`).Length() == 0 || handlertest.Text(dlg.Find(`button[type="submit"]`)) != "Grant Access" {
					t.Fatal("the form is not shown again for another try")
				}
				if key := dlg.Find(`input[name="requestKey"]`).AttrOr("value", ""); key == "" || key == form.Get("requestKey") {
					t.Fatalf("the form came back with request key %q; a retry needs a fresh one", key)
				}
				if n := f.Count(&models.Grant{}); n != wantGrants {
					t.Fatalf("%d grants stored", n)
				}
				if n := f.Count(&models.Event{}); n != events {
					t.Fatalf("%d events after a rejected grant (before %d)", n, events)
				}
			})
		}
	}
}

func TestDoubleSubmittedGrantGrantsOnce(t *testing.T) {
	for _, htmx := range []bool{true, false} {
		t.Run(map[bool]string{true: "htmx", false: "page"}[htmx], func(t *testing.T) {
			f := handlertest.New(t)
			f.SetBlock(true)
			c := f.Login(handlertest.OwnerEmail)
			dlg := handlertest.Parse(t, c.HxGet(handlertest.ClusterURL(handlertest.IDs.Prod, "analytics", "/grant")))
			key := dlg.Find(`input[name="requestKey"]`).AttrOr("value", "")
			if key == "" {
				t.Fatal("the grant form has no request key")
			}
			form := url.Values{"grantType": {string(models.GrantDatabaseLogs)}, "requestKey": {key}}
			post := c.Post
			want := http.StatusSeeOther
			if htmx {
				post, want = c.HxPost, http.StatusOK
			}
			for i := 0; i < 2; i++ {
				c.MustStatus(post(handlertest.ClusterURL(handlertest.IDs.Prod, "analytics", "/grant"), form), want)
			}
			if n, e := f.Count(&models.Grant{}), f.Count(&models.Event{}); n != 1 || e != 2 { // block on + granted
				t.Fatalf("%d grants and %d events after a double click, want 1 and 2", n, e)
			}
			// A new opening of the dialog is a new request: another type
			// replaces (the same type would extend in place).
			next := handlertest.Parse(t, c.HxGet(handlertest.ClusterURL(handlertest.IDs.Prod, "analytics", "/grant"))).Find(`input[name="requestKey"]`).AttrOr("value", "")
			if next == key {
				t.Fatal("the dialog reuses its request key")
			}
			form.Set("requestKey", next)
			form.Set("grantType", string(models.GrantInfrastructure))
			c.MustStatus(post(handlertest.ClusterURL(handlertest.IDs.Prod, "analytics", "/grant"), form), want)
			if n := f.Count(&models.Grant{}); n != 2 || f.OpenGrants() != 1 {
				t.Fatalf("%d grants (%d open) after a second grant, want 2 (1 open)", n, f.OpenGrants())
			}
		})
	}
}

func TestSyncMenuItemGrantsOnceWithTheBlockOff(t *testing.T) {
	f := handlertest.New(t)
	c := f.Login(handlertest.OwnerEmail)
	doc := handlertest.Parse(t, c.Get(handlertest.ClustersURL(handlertest.IDs.Prod)))
	form := handlertest.Row(doc, "orders-prod").Find(`form:has([role="menuitem"])`)
	action, _ := form.Attr("action")
	values := url.Values{}
	form.Find("input[type=hidden]").Each(func(_ int, s *goquery.Selection) {
		values.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	if action != handlertest.ClusterURL(handlertest.IDs.Prod, "orders-prod", "/grant") || values.Get("grantType") != string(models.GrantInfrastructureSync) || values.Get("requestKey") == "" {
		t.Fatalf("sync menu item posts %v to %q", values, action)
	}
	for i := 0; i < 2; i++ {
		rec := c.Do(http.MethodPost, action, values, map[string]string{"HX-Request": "true"})
		c.MustStatus(rec, http.StatusOK)
	}
	var gs []models.Grant
	if err := storetest.DB(f.Store).Find(&gs).Error; err != nil {
		t.Fatal(err)
	}
	if len(gs) != 1 || gs[0].Type != models.GrantInfrastructureSync || f.Count(&models.Event{}) != 1 {
		t.Fatalf("grants %+v and %d events, want one sync grant and one event", gs, f.Count(&models.Event{}))
	}
}

func TestPartialsForHtmxPagesOtherwise(t *testing.T) {
	f := handlertest.New(t)
	f.SetBlock(true)
	f.Grant("orders-prod", models.GrantInfrastructure)
	c := f.Login(handlertest.OwnerEmail)
	isPage := func(doc *goquery.Document) bool {
		return doc.Find(`header.topbar [aria-label="Organizations menu"]`).Length() == 1 && doc.Find("main#main").Length() == 1
	}
	gets := []struct {
		name, path string
		partial    string // what the fragment is
		testid     string // what the page shows in its place
		dialog     bool
	}{
		{"grant dialog", handlertest.ClusterURL(handlertest.IDs.Prod, "analytics", "/grant"), `dialog[data-testid="grant-dialog"]`, `[data-testid="grant-dialog"]`, true},
		{"revoke confirmation", handlertest.ClusterURL(handlertest.IDs.Prod, "orders-prod", "/revoke"), `dialog[data-testid="revoke-dialog"]`, `[data-testid="revoke-dialog"]`, true},
		{"cluster row", handlertest.ClusterURL(handlertest.IDs.Prod, "orders-prod", "/status"), `tr[data-testid="cluster-row"][data-cluster="orders-prod"]`, `[data-testid="cluster-row"]`, false},
	}
	for _, g := range gets {
		t.Run(g.name, func(t *testing.T) {
			part := c.HxGet(g.path)
			c.MustStatus(part, http.StatusOK)
			if strings.Contains(strings.ToLower(part.Body.String()), "<html") {
				t.Fatal("htmx got a whole page")
			}
			doc := handlertest.Parse(t, part)
			if doc.Find(g.partial).Length() != 1 || isPage(doc) {
				t.Fatalf("partial lacks %s:\n%s", g.partial, handlertest.Excerpt(part.Body.String()))
			}
			if g.dialog {
				// A dialog is named by its heading and puts the focus inside.
				dlg := doc.Find(g.partial)
				title := handlertest.Text(doc.Find("#" + dlg.AttrOr("aria-labelledby", "none")))
				if title == "" || dlg.Find("h2").Length() != 1 || handlertest.Text(dlg.Find("h2")) != title {
					t.Fatalf("dialog named %q by aria-labelledby", title)
				}
				if dlg.Find("[autofocus]").Length() != 1 {
					t.Fatalf("dialog has %d autofocus elements, want 1", dlg.Find("[autofocus]").Length())
				}
			}
			page := c.Get(g.path)
			c.MustStatus(page, http.StatusOK)
			pdoc := handlertest.Parse(t, page)
			if !isPage(pdoc) {
				t.Fatalf("a plain request got no whole page:\n%s", handlertest.Excerpt(page.Body.String()))
			}
			if pdoc.Find(g.testid).Length() != 1 {
				t.Fatalf("the page lacks %s", g.testid)
			}
			if pdoc.Find("dialog").Length() != 0 {
				t.Fatal("the page shows a <dialog>, which is hidden without JavaScript")
			}
		})
	}
	// The revoke form: htmx gets the row and a toast swapped in; a plain
	// form post is redirected back to the clusters page.
	rec := c.HxPost(handlertest.ClusterURL(handlertest.IDs.Prod, "orders-prod", "/revoke"), nil)
	c.MustStatus(rec, http.StatusOK)
	doc := handlertest.Parse(t, rec)
	if doc.Find(`[data-testid="toast"][hx-swap-oob]`).Length() != 1 || !strings.Contains(rec.Body.String(), `data-cluster="orders-prod"`) {
		t.Fatalf("htmx revoke answer lacks the row or the toast:\n%s", handlertest.Excerpt(rec.Body.String()))
	}
	if !strings.Contains(handlertest.Text(doc.Find(`[data-testid="toast"]`)), "Revoked temporary infrastructure access to orders-prod") {
		t.Fatalf("toast %q", handlertest.Text(doc.Find(`[data-testid="toast"]`)))
	}
	f.Grant("orders-prod", models.GrantInfrastructure)
	rec = c.Post(handlertest.ClusterURL(handlertest.IDs.Prod, "orders-prod", "/revoke"), nil)
	c.MustStatus(rec, http.StatusSeeOther)
	if loc := rec.Header().Get("Location"); loc != handlertest.ClustersURL(handlertest.IDs.Prod) {
		t.Fatalf("plain revoke redirects to %q", loc)
	}
	next := handlertest.Parse(t, c.Get(handlertest.ClustersURL(handlertest.IDs.Prod)))
	if !strings.Contains(handlertest.Text(next.Find(`[data-testid="toast"]`)), "Revoked") {
		t.Fatal("the clusters page after a plain revoke does not say what happened")
	}
	if f.OpenGrants() != 0 || f.Count(&models.Event{}) != 5 { // block, grant, revoke, grant, revoke
		t.Fatalf("%d open grants, %d events", f.OpenGrants(), f.Count(&models.Event{}))
	}
}

func TestRevokeWithNothingToRevokeChangesNothing(t *testing.T) {
	f := handlertest.New(t)
	f.SetBlock(true)
	c := f.Login(handlertest.OwnerEmail)
	doc := handlertest.Parse(t, c.Get(handlertest.ClusterURL(handlertest.IDs.Prod, "analytics", "/revoke")))
	if doc.Find(`button:contains("Revoke Access")`).Length() != 0 {
		t.Fatal("a Revoke Access button with nothing to revoke")
	}
	rec := c.Post(handlertest.ClusterURL(handlertest.IDs.Prod, "analytics", "/revoke"), nil)
	c.MustStatus(rec, http.StatusSeeOther)
	if f.Count(&models.Event{}) != 1 {
		t.Fatalf("%d events: a revoke of nothing wrote one", f.Count(&models.Event{}))
	}
}

// requestKeys are the sync form's fresh request keys, which differ on
// every render.
var requestKeys = regexp.MustCompile(`name="requestKey" value="[0-9a-f]+"`)

// TestKeptRowsAreTheRowsRendered: the clusters page writes most rows from
// HTML it kept; a page so written is byte for byte the page rendered
// afresh, for every kind of row (grant or not, sync or not, block on or
// off, a user who manages grants or not), and a changed cluster is never
// written from the HTML of what it was.
func TestKeptRowsAreTheRowsRendered(t *testing.T) {
	now := handlertest.StartClock
	org := models.Organization{ID: "6b0000000000000000000001", Name: "Acme Corp"}
	project := models.Project{ID: "6b0000000000000000000002", OrgID: org.ID, Name: "Production"}
	grant := func(c string) *models.Grant {
		return &models.Grant{ID: "g-" + c, ClusterID: c, Type: models.GrantInfrastructure, ExpiresAt: models.At(now.Add(time.Hour))}
	}
	clusters := []struct {
		name  string
		sync  bool
		state string
		grant bool
	}{
		{"plain", false, "IDLE", false}, {"synced", true, "IDLE", false}, {"busy", false, "UPDATING", false},
		{"granted", false, "IDLE", true}, {"granted-sync", true, "IDLE", true}, {"plain-2", false, "IDLE", false},
		{"synced-2", true, "IDLE", false}, {"last", false, "IDLE", false},
	}
	// render renders the rows with a token of their own, checks that each
	// sync form carries it and a request key never seen before, and
	// returns the page with those written alike.
	seen := map[string]bool{}
	renders := 0
	render := func(t *testing.T, v views.ClustersPage) string {
		t.Helper()
		renders++
		token := fmt.Sprint("csrf-token-", renders)
		// A moment of its own, within the second the countdowns show.
		at := now.Add(time.Duration(renders) * time.Millisecond)
		serverNow := fmt.Sprintf(`data-server-now="%d"`, at.UnixMilli())
		v.CSRF, v.Now = token, at
		// Fresh request keys for the sync forms, as the handler gives them.
		v.RequestKeys = make([]string, len(v.Clusters))
		for i := range v.Clusters {
			if v.NeedsRequestKey(i) {
				v.RequestKeys[i] = models.RandomToken(16)
			}
		}
		forms, grants := 0, 0
		for _, r := range v.Clusters {
			if r.Grant != nil {
				grants++
			}
			if r.Grant == nil && v.CanManage && !r.Org.BlockSupportAccess && r.SyncEnabled {
				forms++
			}
		}
		var b strings.Builder
		if err := views.ClustersRefresh(v).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		if got := strings.Count(b.String(), serverNow); got != grants {
			t.Fatalf("%d countdowns of this render's moment, want %d", got, grants)
		}
		keys := requestKeys.FindAllString(b.String(), -1)
		if got := strings.Count(b.String(), `value="`+token+`"`); got != forms || len(keys) != forms {
			t.Fatalf("%d sync forms with this render's token, %d request keys; want %d", got, len(keys), forms)
		}
		for _, k := range keys {
			if seen[k] {
				t.Fatalf("request key %s written twice", k)
			}
			seen[k] = true
		}
		same := func(s string) string {
			return requestKeys.ReplaceAllString(strings.ReplaceAll(strings.ReplaceAll(s, token, "T"), serverNow, "N"), `name="requestKey" value="K"`)
		}
		// The page's rows are the rows rendered one by one (a row alone
		// is never kept).
		var alone strings.Builder
		for i, cv := range v.Clusters {
			r := views.ClusterRow{ClusterView: cv, CanManage: v.CanManage, Now: v.Now, CSRF: v.CSRF, RequestKey: v.RequestKeys[i]}
			if err := views.ClusterRowView(r).Render(context.Background(), &alone); err != nil {
				t.Fatal(err)
			}
		}
		page := same(b.String())
		if !strings.Contains(page, same(alone.String())) {
			t.Fatalf("page is not its rows rendered one by one:\n%s\n----\n%s", page, same(alone.String()))
		}
		return page
	}
	// A version no page has been rendered at, so that the first render
	// keeps nothing it did not render itself.
	version := time.Now().UnixNano()
	rows := views.NewRowCache()
	for _, block := range []bool{false, true} {
		for _, manage := range []bool{false, true} {
			t.Run(fmt.Sprintf("block %v, manage %v", block, manage), func(t *testing.T) {
				org := org
				org.BlockSupportAccess = block
				v := views.ClustersPage{Project: project, Org: org, Version: version, CanManage: manage, Rows: rows}
				for i, c := range clusters {
					cv := models.ClusterView{Project: project, Org: org, Cluster: models.Cluster{
						ID: fmt.Sprintf("6b00000000000000000001%02d", i), ProjectID: project.ID, Name: c.name,
						ClusterType: "REPLICASET", MongoDBVersion: "8.0.4", StateName: c.state, SyncEnabled: c.sync}}
					if c.grant {
						cv.Grant = grant(cv.ID)
					}
					v.Clusters = append(v.Clusters, cv)
				}
				first, second, third := render(t, v), render(t, v), render(t, v)
				if first != second || second != third {
					t.Fatalf("kept page differs from the page rendered:\n%s\n----\n%s", first, third)
				}
				// A cluster changed at the same version is rendered afresh.
				v.Clusters[0].Name, v.Clusters[len(clusters)-1].StateName = "renamed", "PAUSED"
				changed := render(t, v)
				if !strings.Contains(changed, `data-cluster="renamed"`) || strings.Contains(changed, `data-cluster="plain"`) || !strings.Contains(changed, "PAUSED") {
					t.Fatalf("a changed cluster was written from kept HTML:\n%s", changed)
				}
				// So is a row that has come to show a grant.
				v.Clusters[2].Grant = grant(v.Clusters[2].ID)
				if granted := render(t, v); strings.Count(granted, `data-testid="countdown"`) != 3 {
					t.Fatalf("a row with a grant was written from kept HTML:\n%s", granted)
				}
			})
		}
	}
}

// TestClustersPageRowsAreTheRowsAlone: every row of the clusters page, kept
// or rendered, is byte for byte the row the cluster's own re-sync answers,
// for an owner and a read-only member, with and without the block and a
// grant.
func TestClustersPageRowsAreTheRowsAlone(t *testing.T) {
	f := handlertest.New(t)
	owner, reader := f.Login(handlertest.OwnerEmail), f.Login(handlertest.ReaderEmail)
	check := func(state string) {
		t.Helper()
		for _, c := range []*handlertest.Client{owner, reader, owner} {
			for _, refresh := range []bool{false, true, false} {
				h := map[string]string{}
				if refresh {
					h = map[string]string{"HX-Request": "true", "HX-Target": "clusters-body"}
				}
				page := c.Do(http.MethodGet, handlertest.ClustersURL(handlertest.IDs.Prod), nil, h)
				c.MustStatus(page, http.StatusOK)
				body := requestKeys.ReplaceAllString(page.Body.String(), "K")
				for _, name := range []string{"analytics", "orders-prod"} {
					rec := c.HxGet(handlertest.ClusterURL(handlertest.IDs.Prod, name, "/status"))
					c.MustStatus(rec, http.StatusOK)
					if alone := requestKeys.ReplaceAllString(rec.Body.String(), "K"); !strings.Contains(body, alone) {
						t.Fatalf("%s: row %s differs from the row alone:\n%s\n----\n%s", state, name, alone, handlertest.Excerpt(body))
					}
				}
			}
		}
	}
	check("block off")
	f.SetBlock(true)
	check("block on")
	f.Grant("analytics", models.GrantDatabaseLogs)
	check("block on, grant")
	f.SetBlock(false)
	check("block off, grant")
}

// TestProjectMenuCountsClusters: each project of the menu says how many
// clusters it has, in words that agree with the number.
func TestProjectMenuCountsClusters(t *testing.T) {
	f := handlertest.New(t)
	c := f.Login(handlertest.OwnerEmail)
	rec := c.Get(handlertest.ClustersURL(handlertest.IDs.Prod))
	c.MustStatus(rec, http.StatusOK)
	got := handlertest.Texts(handlertest.Parse(t, rec).Find(`[data-testid="project-menu"] [role="menuitem"]`))
	want := []string{"Production 2 clusters", "Staging 1 cluster"}
	if !slices.Equal(got, want) {
		t.Fatalf("project menu %q, want %q", got, want)
	}
}

// csrfValues are the CSRF tokens a page's forms carry.
var csrfValues = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)

// TestClustersPageCarriesOnlyItsUsersTokens: two users who manage grants
// and a read-only member load the same clusters, pages and re-syncs in
// turn, so that they share kept rows; with the block off (the sync
// cluster offers its form) and on, every token a page carries is its
// user's, and no request key written for one user reaches another.
func TestClustersPageCarriesOnlyItsUsersTokens(t *testing.T) {
	f := handlertest.New(t)
	users := map[string]*handlertest.Client{handlertest.OwnerEmail: f.Login(handlertest.OwnerEmail), handlertest.SAMEmail: f.Login(handlertest.SAMEmail), handlertest.ReaderEmail: f.Login(handlertest.ReaderEmail)}
	for _, block := range []bool{false, true} {
		f.SetBlock(block)
		pages, keys := map[string][]string{}, map[string][]string{}
		for range 2 {
			for _, email := range []string{handlertest.OwnerEmail, handlertest.SAMEmail, handlertest.ReaderEmail} {
				c := users[email]
				for _, h := range []map[string]string{nil, {"HX-Request": "true", "HX-Target": "clusters-body"}} {
					rec := c.Do(http.MethodGet, handlertest.ClustersURL(handlertest.IDs.Prod), nil, h)
					c.MustStatus(rec, http.StatusOK)
					body := rec.Body.String()
					forms := 0
					for _, m := range csrfValues.FindAllStringSubmatch(body, -1) {
						if m[1] != c.CSRF() {
							t.Fatalf("block %v: a page of %s carries token %q, not its own %q", block, email, m[1], c.CSRF())
						}
					}
					for _, m := range requestKeys.FindAllString(body, -1) {
						keys[email] = append(keys[email], m)
						forms++
					}
					if want := map[bool]int{false: 1, true: 0}[block]; email != handlertest.ReaderEmail && forms != want {
						t.Fatalf("block %v: %s sees %d sync forms, want %d", block, email, forms, want)
					}
					pages[email] = append(pages[email], body)
				}
			}
		}
		for a, c := range users {
			for b := range users {
				if a == b {
					continue
				}
				for _, page := range pages[b] {
					if strings.Contains(page, c.CSRF()) {
						t.Fatalf("block %v: a page of %s carries the token of %s", block, b, a)
					}
					for _, k := range keys[a] {
						if strings.Contains(page, k) {
							t.Fatalf("block %v: a page of %s carries request key %s of %s", block, b, k, a)
						}
					}
				}
			}
		}
	}
}
