package views

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"supportaccess/models"
)

// render renders c into a goquery document.
func render(t *testing.T, c interface {
	Render(context.Context, io.Writer) error
}) *goquery.Document {
	t.Helper()
	var b strings.Builder
	if err := c.Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestMenusAreNamedByWhatTheyShow: each menu of the navigation bar opens
// from a trigger named by its visible text (no aria-label over it), its
// list is a named role="menu" whose links are menu items, and the phone's
// Menu holds the sidebar's sections while the sidebar keeps plain links.
func TestMenusAreNamedByWhatTheyShow(t *testing.T) {
	org := models.Organization{ID: "6b00000000000000000000a1", Name: "Acme Corp"}
	project := models.Project{ID: "6b00000000000000000000b1", Name: "Production"}
	p := Page{Title: "Clusters", UserEmail: "owner@acme.test", Orgs: []models.Organization{org}, Org: &org,
		Project: &project, Section: "clusters", IsOrgOwner: true}
	p.Projects = make([]models.ProjectSummary, 1)
	p.Projects[0].ID, p.Projects[0].Name = project.ID, project.Name
	doc := render(t, Layout(p))
	menus := map[string]string{"org-menu": "Organizations menu", "project-menu": "Projects menu", "sidebar-menu": "Sidebar"}
	for testid, name := range menus {
		m := doc.Find(`details.menu[data-testid="` + testid + `"]`)
		if m.Length() != 1 {
			t.Fatalf("%s: %d menus", testid, m.Length())
		}
		if _, ok := m.Find("summary").Attr("aria-label"); ok {
			t.Errorf("%s: the trigger's aria-label hides its visible text", testid)
		}
		list := m.Find(`[role="menu"]`)
		if list.AttrOr("aria-label", "") != name {
			t.Errorf("%s: menu named %q, want %q", testid, list.AttrOr("aria-label", ""), name)
		}
		if n := list.Find("a").Length(); n == 0 || list.Find(`a[role="menuitem"]`).Length() != n {
			t.Errorf("%s: %d links, not all of them menu items", testid, n)
		}
	}
	side := doc.Find(`[data-testid="sidebar-menu"] [role="menuitem"]`)
	if got := strings.Join(side.Map(func(_ int, s *goquery.Selection) string { return s.Text() }), ", "); got != "Clusters, Alerts, Activity Feed, Access Requests, Support Access Log, Settings, Members, API Keys" {
		t.Errorf("the phone's Menu holds %q", got)
	}
	if doc.Find(`nav.sidebar [role]`).Length() != 0 || doc.Find(`nav.sidebar a`).Length() != 8 {
		t.Error("the sidebar is not eight plain links")
	}
}

// TestLocalTimeKeepsTheUTCText: a time is written in UTC, as before, with
// the instant in its datetime attribute for app.js to show in local time.
func TestLocalTimeKeepsTheUTCText(t *testing.T) {
	at := time.Date(2026, 11, 27, 14, 30, 5, 0, time.FixedZone("CET", 3600))
	for _, tc := range []struct {
		seconds bool
		text    string
	}{{false, "Nov 27, 2026, 13:30 UTC"}, {true, "2026-11-27 13:30:05 UTC"}} {
		tm := render(t, localTime(at, tc.seconds)).Find("time")
		if tm.Text() != tc.text || tm.AttrOr("datetime", "") != "2026-11-27T13:30:05Z" {
			t.Errorf("seconds %v: <time datetime=%q>%s</time>", tc.seconds, tm.AttrOr("datetime", ""), tm.Text())
		}
		if _, ok := tm.Attr("data-seconds"); ok != tc.seconds {
			t.Errorf("seconds %v: data-seconds %v", tc.seconds, ok)
		}
	}
}
