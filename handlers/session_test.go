package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
	"supportaccess/models/store/storetest"
)

func TestLoginFailuresAreOneGenericAnswer(t *testing.T) {
	f := handlertest.New(t)
	cases := []struct{ name, email, password string }{
		{"wrong password", handlertest.OwnerEmail, "not the password at all"},
		{"unknown email", "nobody@acme.test", handlertest.Password},
		{"unknown email, wrong password", "nobody@acme.test", "nope nope nope"},
		{"right password of another user", handlertest.MemberEmail, handlertest.Password + "x"},
		{"empty form", "", ""},
		{"not an email", "owner", handlertest.Password},
		{"SQL in the email", "' OR 1=1 --", handlertest.Password},
	}
	var first string
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := f.Anon()
			c.Get("/login")
			rec := c.Post("/login", url.Values{"email": {tc.email}, "password": {tc.password}})
			if rec.Code != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", rec.Code)
			}
			if c.Cookies["sa_session"] != nil {
				t.Fatal("a failed login set a session cookie")
			}
			doc := handlertest.Parse(t, rec)
			msg := handlertest.Text(doc.Find(`[data-testid="form-error"][role="alert"]`))
			if msg == "" {
				t.Fatalf("no error shown:\n%s", handlertest.Excerpt(rec.Body.String()))
			}
			if first == "" {
				first = msg
			} else if msg != first {
				t.Fatalf("message %q differs from %q: it hints which part was wrong", msg, first)
			}
			low := strings.ToLower(msg)
			for _, hint := range []string{"unknown", "not found", "no user", "exist", "wrong password", "no account"} {
				if strings.Contains(low, hint) {
					t.Fatalf("message %q hints which part was wrong", msg)
				}
			}
			// The form comes back for another try, keeping the email only.
			if doc.Find(`input[name="password"]`).AttrOr("value", "") != "" {
				t.Fatal("the password was sent back in the form")
			}
		})
	}
	if f.Count(&models.Session{}) != 0 {
		t.Fatal("a failed login stored a session")
	}
}

func TestLoginStartsAFreshSessionEachTime(t *testing.T) {
	f := handlertest.New(t)
	sessionIDs := func() []string {
		var ss []models.Session
		if err := storetest.DB(f.Store).Order("id").Find(&ss).Error; err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, s := range ss {
			out = append(out, s.ID)
		}
		return out
	}
	c := f.Anon()
	c.Get("/login")
	rec := c.Post("/login", url.Values{"email": {"  OWNER@acme.TEST "}, "password": {handlertest.Password}, "next": {"/orgs/" + handlertest.IDs.Org + "/settings"}})
	c.MustStatus(rec, http.StatusSeeOther)
	if loc := rec.Header().Get("Location"); loc != "/orgs/"+handlertest.IDs.Org+"/settings" {
		t.Fatalf("redirect to %q, want the page asked for", loc)
	}
	first := sessionIDs()
	firstCookie := c.Clone()
	if len(first) != 1 {
		t.Fatalf("%d sessions after one login", len(first))
	}
	// Logging in again from the same browser replaces the session: a new
	// id, the old one ended, the old cookie worthless.
	c.Get("/login")
	rec = c.Post("/login", url.Values{"email": {handlertest.OwnerEmail}, "password": {handlertest.Password}, "next": {"//evil.test/x"}})
	c.MustStatus(rec, http.StatusSeeOther)
	if loc := rec.Header().Get("Location"); loc != "/" {
		t.Fatalf("redirect to %q; an off-site next must be dropped", loc)
	}
	second := sessionIDs()
	if len(second) != 1 || second[0] == first[0] {
		t.Fatalf("sessions %v after re-login (before %v): want one new id", second, first)
	}
	if c.Cookies["sa_session"].Value == firstCookie.Cookies["sa_session"].Value {
		t.Fatal("the session cookie did not change")
	}
	c.MustStatus(c.Get(handlertest.ClustersURL(handlertest.IDs.Prod)), http.StatusOK)
	old := firstCookie.Get(handlertest.ClustersURL(handlertest.IDs.Prod))
	if old.Code != http.StatusSeeOther || !strings.HasPrefix(old.Header().Get("Location"), "/login") {
		t.Fatalf("the replaced session's cookie still works: %d %s", old.Code, old.Header().Get("Location"))
	}
	// Another browser gets its own session.
	f.Login(handlertest.OwnerEmail)
	if n := len(sessionIDs()); n != 2 {
		t.Fatalf("%d sessions for two browsers", n)
	}
}

func TestLogoutEndsTheSessionOnTheServer(t *testing.T) {
	f := handlertest.New(t)
	c := f.Login(handlertest.ReaderEmail)
	c.MustStatus(c.Get(handlertest.ClustersURL(handlertest.IDs.Prod)), http.StatusOK)
	stolen := c.Clone()
	rec := c.Post("/logout", nil)
	c.MustStatus(rec, http.StatusSeeOther)
	if loc := rec.Header().Get("Location"); loc != "/login" {
		t.Fatalf("logout redirects to %q", loc)
	}
	if n := f.Count(&models.Session{}); n != 0 {
		t.Fatalf("%d sessions left after logout", n)
	}
	// A copy of the cookie kept from before is refused: page and partial.
	rec = stolen.Get(handlertest.ClustersURL(handlertest.IDs.Prod))
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
		t.Fatalf("old cookie after logout: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	rec = stolen.HxGet(handlertest.ClusterURL(handlertest.IDs.Prod, "analytics", "/status"))
	if rec.Code != http.StatusUnauthorized || !strings.HasPrefix(rec.Header().Get("HX-Redirect"), "/login") {
		t.Fatalf("old cookie, htmx: %d %q", rec.Code, rec.Header().Get("HX-Redirect"))
	}
	rec = stolen.Post(handlertest.ClusterURL(handlertest.IDs.Prod, "analytics", "/revoke"), nil)
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("old cookie, POST: %d, want 401", rec.Code)
	}
}

func TestTamperedSessionCookieIsAnonymous(t *testing.T) {
	f := handlertest.New(t)
	c := f.Login(handlertest.OwnerEmail)
	ck := c.Cookies["sa_session"]
	for _, v := range []string{"", "x", strings.Repeat("A", 4000), ck.Value[:len(ck.Value)/2], ck.Value + "AA"} {
		c2 := c.Clone()
		c2.Cookies["sa_session"].Value = v
		rec := c2.Get(handlertest.ClustersURL(handlertest.IDs.Prod))
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
			t.Errorf("cookie %.20q: %d %s, want a redirect to log in", v, rec.Code, rec.Header().Get("Location"))
		}
	}
}
