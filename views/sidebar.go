package views

import (
	"context"
	"io"
	"strconv"

	"github.com/a-h/templ"
)

// sidebarHTML writes the project's and the organization's sections: the
// sidebar of wide screens, or, with asMenu, the items of the phone's Menu.
// It is written by hand rather than as templ components because every
// page carries it twice: as components with children the two copies
// cost about 85 allocations a page, a sixth of the clusters page's.
func sidebarHTML(p Page, asMenu bool) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		sw := &sideWriter{w: w}
		if p.Project != nil {
			sw.group(asMenu, "menu-group-project", "Project · "+p.Project.Name)
			sw.link(p, asMenu, "clusters", groupURL(p.Project.ID, "/clusters"), "Clusters")
			sw.link(p, asMenu, "alerts", groupURL(p.Project.ID, "/alerts"), "Alerts")
			sw.raw("</div>")
		}
		sw.group(asMenu, "menu-group-org", "Organization · "+p.Org.Name)
		sw.link(p, asMenu, "activity", orgURL(p.Org.ID, "/activity"), "Activity Feed")
		sw.requestsLink(p, asMenu)
		sw.link(p, asMenu, "support-access-log", orgURL(p.Org.ID, "/support-access-log"), "Support Access Log")
		sw.link(p, asMenu, "settings", orgURL(p.Org.ID, "/settings"), "Settings")
		sw.link(p, asMenu, "members", orgURL(p.Org.ID, "/members"), "Members")
		if p.IsOrgOwner {
			sw.link(p, asMenu, "apikeys", orgURL(p.Org.ID, "/apikeys"), "API Keys")
		}
		sw.raw("</div>")
		return sw.err
	})
}

// sideWriter writes the sections, keeping the first error.
type sideWriter struct {
	w   io.Writer
	err error
}

func (s *sideWriter) raw(v string) {
	if s.err == nil {
		_, s.err = io.WriteString(s.w, v)
	}
}

func (s *sideWriter) text(v string) { s.raw(templ.EscapeString(v)) }

// group opens a titled group of sections; in the menu, a group named by
// its title, so that a screen reader says which one an item is in.
func (s *sideWriter) group(asMenu bool, id, title string) {
	if asMenu {
		s.raw(`<div class="sidebar-group" role="group" aria-labelledby="`)
		s.text(id)
		s.raw(`"><p class="sidebar-title" id="`)
		s.text(id)
		s.raw(`">`)
	} else {
		s.raw(`<div class="sidebar-group"><p class="sidebar-title">`)
	}
	s.text(title)
	s.raw(`</p>`)
}

// link is one section; the current one says so.
func (s *sideWriter) link(p Page, asMenu bool, section, href, label string) {
	s.raw(`<a href="`)
	s.text(string(templ.URL(href)))
	s.raw(`"`)
	if asMenu {
		s.raw(` role="menuitem"`)
	}
	if p.Section == section {
		s.raw(` aria-current="page"`)
	}
	if section == "apikeys" && !asMenu {
		s.raw(` data-testid="apikeys-link"`)
	}
	s.raw(`>`)
	s.text(label)
	s.raw(`</a>`)
}

// requestsLink is the Access Requests section, with the number pending.
func (s *sideWriter) requestsLink(p Page, asMenu bool) {
	s.raw(`<a href="`)
	s.text(RequestsURL(p.Org.ID))
	s.raw(`"`)
	if asMenu {
		s.raw(` role="menuitem"`)
	}
	if p.Section == "requests" {
		s.raw(` aria-current="page"`)
	}
	s.raw(`>Access Requests`)
	if p.PendingRequests > 0 {
		s.raw(` <span class="count" data-testid="pending-count" aria-label="`)
		s.text(strconv.FormatInt(p.PendingRequests, 10) + " pending")
		s.raw(`">`)
		s.text(strconv.FormatInt(p.PendingRequests, 10))
		s.raw(`</span>`)
	}
	s.raw(`</a>`)
}
