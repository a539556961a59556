package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

const blockName = "Block MongoDB Production Support Employee Access to Atlas Infrastructure"

func TestSettingsSwitchIsTheOwnersAlone(t *testing.T) {
	f := handlertest.New(t)
	cases := []struct {
		user      string
		canChange bool
	}{
		{handlertest.OwnerEmail, true},
		{handlertest.MemberEmail, false},
		{handlertest.OrgROEmail, false},
		{handlertest.POwnerEmail, false},
		{handlertest.SAMEmail, false},
		{handlertest.ReaderEmail, false},
	}
	for _, tc := range cases {
		t.Run(tc.user, func(t *testing.T) {
			c := f.Login(tc.user)
			rec := c.Get("/orgs/" + handlertest.IDs.Org + "/settings")
			c.MustStatus(rec, http.StatusOK)
			doc := handlertest.Parse(t, rec)
			sw := doc.Find(`[data-testid="block-toggle"][role="switch"]`)
			if sw.Length() != 1 {
				t.Fatal("no switch")
			}
			// Its accessible name is the label the procedure names.
			label := handlertest.Text(doc.Find("#" + sw.AttrOr("aria-labelledby", "none")))
			if label != blockName {
				t.Fatalf("switch labelled %q", label)
			}
			if sw.AttrOr("aria-checked", "") != "false" {
				t.Fatalf("aria-checked %q, want false", sw.AttrOr("aria-checked", ""))
			}
			if !strings.Contains(handlertest.Text(doc.Find(`[data-testid="block-setting"]`)), "Blocking infrastructure access from MongoDB Support may increase support issue response and resolution time") {
				t.Fatal("the warning about slower support is missing")
			}
			_, disabled := sw.Attr("disabled")
			note := doc.Find(`[data-testid="readonly-note"]`)
			if disabled == tc.canChange || (note.Length() == 1) == tc.canChange {
				t.Fatalf("disabled %v, read-only note %v; want the switch usable: %v", disabled, note.Length() == 1, tc.canChange)
			}
			if !tc.canChange && !strings.Contains(handlertest.Text(note), "Organization Owner") {
				t.Fatalf("read-only note %q does not say who can change it", handlertest.Text(note))
			}
			// Posting anyway is refused and changes nothing.
			if !tc.canChange {
				rec := c.Post("/orgs/"+handlertest.IDs.Org+"/settings", url.Values{"restrictEmployeeAccess": {"true"}})
				if rec.Code != http.StatusForbidden {
					t.Fatalf("POST by %s: status %d, want 403", tc.user, rec.Code)
				}
				if f.Blocked(handlertest.IDs.Org) || f.Count(&models.Event{}) != 0 {
					t.Fatal("a refused POST changed the setting")
				}
			}
		})
	}
}

func TestOwnerTurnsTheBlockOnAndOff(t *testing.T) {
	f := handlertest.New(t)
	c := f.Login(handlertest.OwnerEmail)
	settings := "/orgs/" + handlertest.IDs.Org + "/settings"
	c.Get(settings)
	steps := []struct {
		value   string
		status  int
		blocked bool
		events  int64
		toast   string
	}{
		{"true", http.StatusSeeOther, true, 1, "Support access is now blocked for Acme Corp."},
		{"true", http.StatusSeeOther, true, 1, "Support access is now blocked for Acme Corp."}, // no change, no event
		{"maybe", http.StatusUnprocessableEntity, true, 1, ""},
		{"", http.StatusUnprocessableEntity, true, 1, ""},
		{"false", http.StatusSeeOther, false, 2, "Support access is no longer blocked for Acme Corp."},
	}
	for i, s := range steps {
		rec := c.Post(settings, url.Values{"restrictEmployeeAccess": {s.value}})
		if rec.Code != s.status || f.Blocked(handlertest.IDs.Org) != s.blocked || f.Count(&models.Event{}) != s.events {
			t.Fatalf("step %d (%q): status %d, blocked %v, events %d; want %d, %v, %d", i, s.value, rec.Code,
				f.Blocked(handlertest.IDs.Org), f.Count(&models.Event{}), s.status, s.blocked, s.events)
		}
		if s.status != http.StatusSeeOther {
			if msg := handlertest.Text(handlertest.Parse(t, rec).Find(`[data-testid="error-page"] h1`)); !strings.Contains(msg, "true or false") {
				t.Fatalf("step %d: message %q", i, msg)
			}
			continue
		}
		if loc := rec.Header().Get("Location"); loc != settings {
			t.Fatalf("step %d: redirect to %q", i, loc)
		}
		doc := handlertest.Parse(t, c.Get(settings))
		if got := doc.Find(`[data-testid="block-toggle"]`).AttrOr("aria-checked", ""); got != map[bool]string{true: "true", false: "false"}[s.blocked] {
			t.Fatalf("step %d: switch shows %q", i, got)
		}
		if got := handlertest.Text(doc.Find(`[data-testid="toast"]`)); got != s.toast {
			t.Fatalf("step %d: toast %q, want %q", i, got, s.toast)
		}
	}
}
