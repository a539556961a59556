package handlers_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"supportaccess/handlers"
	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
	"supportaccess/models/store/storetest"
)

// Sessions, cookies, throttling and error pages, through HTTP. What
// session_test.go and guard_test.go already prove (a fresh session id on
// login, logout of the current browser, tampered cookies, the CSRF token
// on every POST) is not repeated here.

// setCookies reads the Set-Cookie headers of an answer by name.
func setCookies(res *http.Response) map[string]*http.Cookie {
	out := map[string]*http.Cookie{}
	for _, ck := range res.Cookies() {
		out[ck.Name] = ck
	}
	return out
}

func TestCookieFlagsAndWhenTheyAreSecure(t *testing.T) {
	f := handlertest.New(t)
	trusted, err := handlers.ParseTrustedProxies("10.1.0.0/16, 192.0.2.99")
	if err != nil {
		t.Fatal(err)
	}
	behindProxy := f.Server(handlers.Config{TrustedProxies: trusted})
	local, err := handlers.ParseTrustedProxies("loopback")
	if err != nil {
		t.Fatal(err)
	}
	behindLocalProxy := f.Server(handlers.Config{TrustedProxies: local})
	cases := []struct {
		name   string
		e      http.Handler
		addr   string
		tls    bool
		proto  string
		secure bool
	}{
		{"plain HTTP", f.Echo, "192.0.2.1:4000", false, "", false},
		{"TLS", f.Echo, "192.0.2.1:4000", true, "", true},
		{"loopback, not configured, says https", f.Echo, "127.0.0.1:4000", false, "https", false},
		{"configured loopback proxy says https", behindLocalProxy, "127.0.0.1:4000", false, "https", true},
		{"configured IPv6 loopback proxy says https", behindLocalProxy, "[::1]:4000", false, "https", true},
		{"configured loopback proxy says http", behindLocalProxy, "127.0.0.1:4000", false, "http", false},
		{"a client says https itself", f.Echo, "192.0.2.1:4000", false, "https", false},
		{"private address, not configured", f.Echo, "10.1.2.3:4000", false, "https", false},
		{"configured proxy range says https", behindProxy, "10.1.2.3:4000", false, "https", true},
		{"configured proxy address says https", behindProxy, "192.0.2.99:4000", false, "https", true},
		{"outside the configured range", behindProxy, "10.2.0.1:4000", false, "https", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := handlertest.NewBrowserAt(t, tc.e, tc.addr)
			b.TLS = tc.tls
			if tc.proto != "" {
				b.Header["X-Forwarded-Proto"] = tc.proto
			}
			first := setCookies(b.Do(http.MethodGet, "/login", nil))
			res := b.Do(http.MethodPost, "/login", url.Values{"email": {handlertest.SAMEmail}, "password": {handlertest.Password}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("login: %d", res.StatusCode)
			}
			got := setCookies(res)
			// The flash cookie, set when a form succeeds.
			flash := setCookies(b.Do(http.MethodPost, "/orgs/"+handlertest.IDs.Org+"/settings", url.Values{"restrictEmployeeAccess": {"false"}}))
			if flash["sa_flash"] == nil && flash["__Host-sa_flash"] == nil {
				// A support access manager may not change the setting;
				// a revoke with nothing to revoke still says so in a flash.
				flash = setCookies(b.Do(http.MethodPost, handlertest.ClusterURL(handlertest.IDs.Prod, "analytics", "/revoke"), url.Values{}))
			}
			// Over TLS the console's cookies carry the __Host- prefix.
			prefix := ""
			if tc.secure {
				prefix = "__Host-"
			}
			all := map[string]*http.Cookie{"sa_csrf": first[prefix+"sa_csrf"], "sa_session": got[prefix+"sa_session"], "sa_flash": flash[prefix+"sa_flash"]}
			for name, ck := range all {
				if ck == nil {
					t.Fatalf("no %s cookie was set", name)
				}
				if !ck.HttpOnly {
					t.Errorf("%s is readable by scripts (no HttpOnly)", name)
				}
				if ck.SameSite != http.SameSiteLaxMode && ck.SameSite != http.SameSiteStrictMode {
					t.Errorf("%s SameSite %v, want Lax or Strict", name, ck.SameSite)
				}
				if ck.Secure != tc.secure {
					t.Errorf("%s Secure %v, want %v", name, ck.Secure, tc.secure)
				}
				if ck.Path != "/" || ck.Domain != "" {
					t.Errorf("%s Path %q Domain %q: a __Host- cookie needs Path=/ and no Domain", name, ck.Path, ck.Domain)
				}
			}
		})
	}
}

func TestForwardedForOnlyFromTrustedProxies(t *testing.T) {
	f := handlertest.New(t)
	local, err := handlers.ParseTrustedProxies("loopback")
	if err != nil {
		t.Fatal(err)
	}
	behindLocalProxy := f.Server(handlers.Config{TrustedProxies: local})
	attempt := func(addr, xff string) {
		b := handlertest.NewBrowserAt(t, behindLocalProxy, addr)
		if xff != "" {
			b.Header["X-Forwarded-For"] = xff
		}
		if res := b.Login("nobody@acme.test", "wrong password here"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("status %d", res.StatusCode)
		}
	}
	attempt("127.0.0.1:5000", "203.0.113.7")     // a proxy on this host: the client is believed
	attempt("192.0.2.1:5000", "203.0.113.8")     // a client naming someone else: ignored
	attempt("127.0.0.1:5000", "nonsense, 1.2.3") // garbage: the proxy's own address
	var addrs []string
	if err := storetest.DB(f.Store).Model(&models.LoginFailure{}).Pluck("remote_addr", &addrs).Error; err != nil {
		t.Fatal(err)
	}
	slices.Sort(addrs)
	if strings.Join(addrs, " ") != "127.0.0.1 192.0.2.1 203.0.113.7" {
		t.Fatalf("recorded addresses %v", addrs)
	}
}

func TestSessionIdleAndAbsoluteTimeouts(t *testing.T) {
	f := handlertest.New(t)
	in := func(c *handlertest.Client) bool {
		rec := c.Get(handlertest.ClustersURL(handlertest.IDs.Prod))
		return rec.Code == http.StatusOK
	}
	// Idle: used just before the limit it lives on; left alone for the
	// whole limit it ends, and its row is gone.
	idle := f.Login(handlertest.OwnerEmail)
	f.Advance(models.SessionIdleTimeout - time.Minute)
	if !in(idle) {
		t.Fatal("session ended before the idle limit")
	}
	f.Advance(models.SessionIdleTimeout - time.Second)
	if !in(idle) {
		t.Fatal("a session used within the idle limit ended")
	}
	f.Advance(models.SessionIdleTimeout)
	if in(idle) {
		t.Fatal("session survived the idle limit")
	}
	// Absolute: used every hour, it still ends at the absolute limit.
	busy := f.Login(handlertest.OwnerEmail)
	start := f.Store.Now()
	for f.Store.Now().Sub(start) < models.SessionAbsoluteTimeout-time.Hour {
		f.Advance(time.Hour)
		if !in(busy) {
			t.Fatalf("a busy session ended after %v", f.Store.Now().Sub(start))
		}
	}
	f.Advance(time.Hour)
	if in(busy) {
		t.Fatalf("a busy session survived %v, the absolute limit is %v", f.Store.Now().Sub(start), models.SessionAbsoluteTimeout)
	}
	if n := f.Count(&models.Session{}); n != 0 {
		t.Fatalf("%d expired sessions left in the database", n)
	}
	// The cookie's own lifetime is no longer than the absolute limit.
	c := f.Anon()
	c.Get("/login")
	rec := c.Post("/login", url.Values{"email": {handlertest.OwnerEmail}, "password": {handlertest.Password}})
	ck := setCookies(rec.Result())["sa_session"]
	if ck == nil || ck.MaxAge <= 0 || time.Duration(ck.MaxAge)*time.Second > models.SessionAbsoluteTimeout {
		t.Fatalf("session cookie Max-Age %v", ck)
	}
}

func TestLogoutEndsEverySessionOfTheUser(t *testing.T) {
	f := handlertest.New(t)
	laptop, phone, colleague := f.Login(handlertest.OwnerEmail), f.Login(handlertest.OwnerEmail), f.Login(handlertest.ReaderEmail)
	laptop.MustStatus(laptop.Post("/logout", nil), http.StatusSeeOther)
	for name, c := range map[string]*handlertest.Client{"the browser that logged out": laptop, "the user's other browser": phone} {
		if rec := c.Get(handlertest.ClustersURL(handlertest.IDs.Prod)); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
			t.Errorf("%s still gets in: %d", name, rec.Code)
		}
	}
	colleague.MustStatus(colleague.Get(handlertest.ClustersURL(handlertest.IDs.Prod)), http.StatusOK)
}

func TestPasswordChangeEndsEverySessionOfTheUser(t *testing.T) {
	f := handlertest.New(t)
	here, there, colleague := f.Login(handlertest.POwnerEmail), f.Login(handlertest.POwnerEmail), f.Login(handlertest.ReaderEmail)
	stolen := there.Clone()
	here.Get("/account/password")
	newPassword := "a much longer new passphrase"
	rec := here.Post("/account/password", url.Values{"current": {handlertest.Password}, "new": {newPassword}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login" {
		t.Fatalf("password change: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	for name, c := range map[string]*handlertest.Client{"this browser": here, "another browser": there, "a copied cookie": stolen} {
		if rec := c.Get(handlertest.ClustersURL(handlertest.IDs.Prod)); rec.Code != http.StatusSeeOther {
			t.Errorf("%s still gets in after the password change: %d", name, rec.Code)
		}
	}
	colleague.MustStatus(colleague.Get(handlertest.ClustersURL(handlertest.IDs.Prod)), http.StatusOK)
	c := f.Anon()
	c.Get("/login")
	if rec := c.Post("/login", url.Values{"email": {handlertest.POwnerEmail}, "password": {handlertest.Password}}); rec.Code != http.StatusUnauthorized {
		t.Fatalf("the old password still logs in: %d", rec.Code)
	}
	c.Get("/login")
	if rec := c.Post("/login", url.Values{"email": {handlertest.POwnerEmail}, "password": {newPassword}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("the new password does not log in: %d", rec.Code)
	}
}

// TestPasswordChangeRefusesTheSamePassword: "changing" to the current
// password is refused on the page with a message, and the session and
// the password stay as they were.
func TestPasswordChangeRefusesTheSamePassword(t *testing.T) {
	f := handlertest.New(t)
	here := f.Login(handlertest.POwnerEmail)
	here.Get("/account/password")
	rec := here.Post("/account/password", url.Values{"current": {handlertest.Password}, "new": {handlertest.Password}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "is the current one") {
		t.Fatalf("same password: %d, body %.400s", rec.Code, rec.Body.String())
	}
	here.MustStatus(here.Get(handlertest.ClustersURL(handlertest.IDs.Prod)), http.StatusOK)
}

// TestOverTLSOnlyHostPrefixedCookiesCount: over TLS the console's cookies
// are __Host- cookies, and an unprefixed one (what a sibling subdomain or
// a plain-HTTP answer could plant) is ignored, even if its value is good.
func TestOverTLSOnlyHostPrefixedCookiesCount(t *testing.T) {
	f := handlertest.New(t)
	b := handlertest.NewBrowserAt(t, f.Echo, "192.0.2.1:4000")
	b.TLS = true
	if res := b.Login(handlertest.SAMEmail, handlertest.Password); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login over TLS: %d", res.StatusCode)
	}
	session := b.Cookies["__Host-sa_session"]
	if session == nil || b.Cookies["sa_session"] != nil {
		t.Fatalf("the session cookie over TLS is not a __Host- cookie: %v", b.Cookies)
	}
	clusters := handlertest.ClustersURL(handlertest.IDs.Prod)
	if res := b.Do(http.MethodGet, clusters, nil); res.StatusCode != http.StatusOK {
		t.Fatalf("the prefixed session does not work: %d", res.StatusCode)
	}
	planted := handlertest.NewBrowserAt(t, f.Echo, "192.0.2.1:4000")
	planted.TLS = true
	planted.Cookies["sa_session"] = &http.Cookie{Name: "sa_session", Value: session.Value}
	if res := planted.Do(http.MethodGet, clusters, nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("an unprefixed session cookie over TLS was honoured: %d", res.StatusCode)
	}
}
