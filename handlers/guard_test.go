package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

const csrfMessage = "This form has expired or did not come from this site"

// consolePosts lists every state-changing console route the router has,
// with its parameters filled in: nothing is hand-picked, so a new POST
// route is covered the day it is added.
func consolePosts(t *testing.T, f *handlertest.Fixture) []string {
	t.Helper()
	param := regexp.MustCompile(`:[A-Za-z]+`)
	var out []string
	for _, r := range f.Echo.Routes() {
		if r.Method != http.MethodPost || strings.HasPrefix(r.Path, "/api/") {
			continue
		}
		p := param.ReplaceAllStringFunc(r.Path, func(name string) string {
			switch name {
			case ":orgId":
				return handlertest.IDs.Org
			case ":groupId":
				return handlertest.IDs.Prod
			case ":clusterName":
				return "analytics"
			}
			return "000000000000000000000000"
		})
		out = append(out, strings.ReplaceAll(p, "*", "x"))
	}
	if len(out) < 5 {
		t.Fatalf("only %d console POST routes found: %v", len(out), out)
	}
	t.Logf("console POST routes: %v", out)
	return out
}

func TestEveryConsolePostNeedsTheCSRFToken(t *testing.T) {
	f := handlertest.New(t)
	f.SetBlock(true)
	f.Grant("orders-prod", models.GrantInfrastructure)
	eventsBefore := f.Count(&models.Event{})
	c := f.Login(handlertest.OwnerEmail)
	c.Get(handlertest.ClustersURL(handlertest.IDs.Prod))
	other := f.Login(handlertest.ReaderEmail)
	other.Get(handlertest.ClustersURL(handlertest.IDs.Prod))
	if other.CSRF() == c.CSRF() || c.CSRF() == "" {
		t.Fatalf("two sessions share the CSRF token %q", c.CSRF())
	}
	form := url.Values{"grantType": {string(models.GrantInfrastructure)}, "restrictEmployeeAccess": {"false"},
		"email": {handlertest.OwnerEmail}, "password": {handlertest.Password}}
	attacks := []struct {
		name   string
		send   func(path string) int
		status int
	}{
		{"no token", func(p string) int { return c.Do(http.MethodPost, p, form, nil).Code }, http.StatusForbidden},
		{"wrong token", func(p string) int {
			return c.Do(http.MethodPost, p, handlertest.WithCSRF(form, "x"+c.CSRF()), nil).Code
		}, http.StatusForbidden},
		// A sibling subdomain can plant a CSRF cookie of its choosing
		// and submit the same value: the token is bound to the session,
		// so a value that is not the session's is refused.
		{"a tossed cookie with its own value as the token", func(p string) int {
			tossed := c.Clone()
			tossed.Cookies["sa_csrf"] = &http.Cookie{Name: "sa_csrf", Value: strings.Repeat("a", 64)}
			return tossed.Do(http.MethodPost, p, handlertest.WithCSRF(form, strings.Repeat("a", 64)), nil).Code
		}, http.StatusForbidden},
		// Another session's token (the attacker's own login) is no
		// token for this one.
		{"another session's token", func(p string) int {
			return c.Do(http.MethodPost, p, handlertest.WithCSRF(form, other.CSRF()), nil).Code
		}, http.StatusForbidden},
		{"same-site, even with the token", func(p string) int {
			return c.Do(http.MethodPost, p, handlertest.WithCSRF(form, c.CSRF()), map[string]string{"Sec-Fetch-Site": "same-site"}).Code
		}, http.StatusForbidden},
		{"wrong header token, htmx", func(p string) int {
			return c.Do(http.MethodPost, p, form, map[string]string{"HX-Request": "true", "X-CSRF-Token": "nope"}).Code
		}, http.StatusForbidden},
		{"cross-site, even with the token", func(p string) int {
			return c.Do(http.MethodPost, p, handlertest.WithCSRF(form, c.CSRF()), map[string]string{"Sec-Fetch-Site": "cross-site"}).Code
		}, http.StatusForbidden},
	}
	for _, path := range consolePosts(t, f) {
		for _, a := range attacks {
			if got := a.send(path); got != a.status {
				t.Errorf("POST %s, %s: status %d, want %d", path, a.name, got, a.status)
			}
		}
	}
	// Nothing changed and the session survived (even /logout was refused).
	if !f.Blocked(handlertest.IDs.Org) || f.OpenGrants() != 1 || f.Count(&models.Event{}) != eventsBefore {
		t.Fatalf("a refused POST changed something: blocked %v, open grants %d, events %d (before %d)",
			f.Blocked(handlertest.IDs.Org), f.OpenGrants(), f.Count(&models.Event{}), eventsBefore)
	}
	c.MustStatus(c.Get(handlertest.ClustersURL(handlertest.IDs.Prod)), http.StatusOK)
	// With the token each route gets past the check, so the refusals above
	// were the check's doing and not something else's.
	for _, path := range consolePosts(t, f) {
		fresh := f.Login(handlertest.OwnerEmail)
		rec := fresh.Post(path, form)
		if rec.Code == http.StatusForbidden && strings.Contains(rec.Body.String(), csrfMessage) {
			t.Errorf("POST %s with the token: refused as a forgery", path)
		}
		// A browser's own word that the request is same-origin stands in
		// for the token (fetch metadata, which no page can forge).
		fresh = f.Login(handlertest.OwnerEmail)
		rec = fresh.Do(http.MethodPost, path, form, map[string]string{"Sec-Fetch-Site": "same-origin"})
		if rec.Code == http.StatusForbidden && strings.Contains(rec.Body.String(), csrfMessage) {
			t.Errorf("POST %s, same-origin without a token: refused as a forgery", path)
		}
	}
}

func TestAnotherOrganizationsResourcesAreNotFound(t *testing.T) {
	f := handlertest.New(t)
	ctx := context.Background()
	globex := f.Actor(handlertest.GlobexEmail)
	if _, err := f.Store.SetBlock(ctx, globex, handlertest.IDs.Globex, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Store.GrantAccess(ctx, globex, models.GrantRequest{ProjectID: handlertest.IDs.GlobexProd, ClusterName: handlertest.GlobexClName, Type: models.GrantInfrastructure}); err != nil {
		t.Fatal(err)
	}
	eventsBefore := f.Count(&models.Event{})
	gp, gc := handlertest.IDs.GlobexProd, handlertest.GlobexClName
	cases := []struct {
		user, method, path string
	}{
		{handlertest.OwnerEmail, "GET", "/orgs/" + handlertest.IDs.Globex},
		{handlertest.OwnerEmail, "GET", "/orgs/" + handlertest.IDs.Globex + "/settings"},
		{handlertest.OwnerEmail, "POST", "/orgs/" + handlertest.IDs.Globex + "/settings"},
		{handlertest.OwnerEmail, "GET", "/orgs/" + handlertest.IDs.Globex + "/activity"},
		{handlertest.OwnerEmail, "GET", "/orgs/" + handlertest.IDs.Org + "/activity?project=" + gp},
		{handlertest.OwnerEmail, "GET", handlertest.ClustersURL(gp)},
		{handlertest.OwnerEmail, "GET", handlertest.ClusterURL(gp, gc, "/status")},
		{handlertest.OwnerEmail, "GET", handlertest.ClusterURL(gp, gc, "/grant")},
		{handlertest.OwnerEmail, "POST", handlertest.ClusterURL(gp, gc, "/grant")},
		{handlertest.OwnerEmail, "GET", handlertest.ClusterURL(gp, gc, "/revoke")},
		{handlertest.OwnerEmail, "POST", handlertest.ClusterURL(gp, gc, "/revoke")},
		// Their cluster's name under our own project.
		{handlertest.OwnerEmail, "GET", handlertest.ClusterURL(handlertest.IDs.Prod, gc, "/status")},
		{handlertest.OwnerEmail, "POST", handlertest.ClusterURL(handlertest.IDs.Prod, gc, "/grant")},
		{handlertest.OwnerEmail, "POST", handlertest.ClusterURL(handlertest.IDs.Prod, gc, "/revoke")},
		// Inside one organization, a project one is not in.
		{handlertest.POwnerEmail, "GET", handlertest.ClustersURL(handlertest.IDs.Staging)},
		{handlertest.POwnerEmail, "POST", handlertest.ClusterURL(handlertest.IDs.Staging, "staging-1", "/grant")},
		{handlertest.MemberEmail, "GET", handlertest.ClustersURL(handlertest.IDs.Prod)},
		{handlertest.ReaderEmail, "GET", "/orgs/" + handlertest.IDs.Org + "/activity?project=" + handlertest.IDs.Staging},
	}
	clients := map[string]*handlertest.Client{}
	for _, tc := range cases {
		c := clients[tc.user]
		if c == nil {
			c = f.Login(tc.user)
			c.Get("/login")
			clients[tc.user] = c
		}
		for _, htmx := range []bool{false, true} {
			form := url.Values{"grantType": {string(models.GrantInfrastructure)}, "restrictEmployeeAccess": {"false"}}
			var hdr map[string]string
			if htmx {
				hdr = map[string]string{"HX-Request": "true"}
			}
			if tc.method == "GET" {
				form = nil
			} else {
				form = handlertest.WithCSRF(form, c.CSRF())
			}
			rec := c.Do(tc.method, tc.path, form, hdr)
			if rec.Code != http.StatusNotFound {
				t.Errorf("%s %s %s (htmx %v): status %d, want 404", tc.user, tc.method, tc.path, htmx, rec.Code)
				continue
			}
			body := rec.Body.String()
			if strings.Contains(body, handlertest.GlobexName) || (tc.user == handlertest.OwnerEmail && strings.Contains(body, handlertest.GlobexClName)) {
				t.Errorf("%s %s: the 404 page names the other organization's things", tc.method, tc.path)
			}
		}
	}
	if !f.Blocked(handlertest.IDs.Globex) || f.OpenGrants() != 1 || f.Count(&models.Event{}) != eventsBefore {
		t.Fatalf("a refused request changed something: blocked %v, open grants %d, events %d (before %d)",
			f.Blocked(handlertest.IDs.Globex), f.OpenGrants(), f.Count(&models.Event{}), eventsBefore)
	}
}

func TestSecurityHeadersOnHTML(t *testing.T) {
	f := handlertest.New(t)
	f.SetBlock(true)
	f.Grant("orders-prod", models.GrantInfrastructure)
	anon := f.Anon()
	c := f.Login(handlertest.OwnerEmail)
	c.Get("/login")
	pages := []struct {
		name string
		do   func() *http.Response
	}{
		{"login", func() *http.Response { return anon.Get("/login").Result() }},
		{"failed login", func() *http.Response {
			return anon.Post("/login", url.Values{"email": {"x@y.test"}, "password": {"z"}}).Result()
		}},
		{"clusters", func() *http.Response { return c.Get(handlertest.ClustersURL(handlertest.IDs.Prod)).Result() }},
		{"settings", func() *http.Response { return c.Get("/orgs/" + handlertest.IDs.Org + "/settings").Result() }},
		{"activity", func() *http.Response { return c.Get("/orgs/" + handlertest.IDs.Org + "/activity").Result() }},
		{"grant page", func() *http.Response {
			return c.Get(handlertest.ClusterURL(handlertest.IDs.Prod, "analytics", "/grant")).Result()
		}},
		{"grant dialog", func() *http.Response {
			return c.HxGet(handlertest.ClusterURL(handlertest.IDs.Prod, "analytics", "/grant")).Result()
		}},
		{"revoke page", func() *http.Response {
			return c.Get(handlertest.ClusterURL(handlertest.IDs.Prod, "orders-prod", "/revoke")).Result()
		}},
		{"status row", func() *http.Response {
			return c.HxGet(handlertest.ClusterURL(handlertest.IDs.Prod, "orders-prod", "/status")).Result()
		}},
		{"invalid grant", func() *http.Response {
			return c.Post(handlertest.ClusterURL(handlertest.IDs.Prod, "analytics", "/grant"), url.Values{"grantType": {"X"}}).Result()
		}},
		{"not found", func() *http.Response { return c.Get("/groups/nope/clusters").Result() }},
		{"no route", func() *http.Response { return c.Get("/no/such/page").Result() }},
		{"forbidden", func() *http.Response {
			return c.Do(http.MethodPost, "/logout", handlertest.WithCSRF(nil, "bad"), nil).Result()
		}},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			res := p.do()
			if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("content type %q", res.Header.Get("Content-Type"))
			}
			csp := map[string]string{}
			for _, d := range strings.Split(res.Header.Get("Content-Security-Policy"), ";") {
				if fs := strings.Fields(d); len(fs) > 0 {
					csp[fs[0]] = strings.Join(fs[1:], " ")
				}
			}
			script, ok := csp["script-src"]
			if !ok {
				script = csp["default-src"]
			}
			if script == "" || strings.Contains(script, "'unsafe-inline'") || strings.Contains(script, "'unsafe-eval'") || strings.Contains(script, "*") {
				t.Errorf("script sources %q allow inline or foreign scripts", script)
			}
			if csp["frame-ancestors"] != "'none'" {
				t.Errorf("frame-ancestors %q, want 'none'", csp["frame-ancestors"])
			}
			if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q", got)
			}
			switch rp := res.Header.Get("Referrer-Policy"); rp {
			case "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin":
			default:
				t.Errorf("Referrer-Policy %q", rp)
			}
		})
	}
}

// TestPagesNeedNoInlineCode checks the markup against the policy: with
// script-src and style-src 'self', an inline script, event handler or
// style attribute would silently not work in a browser.
func TestPagesNeedNoInlineCode(t *testing.T) {
	f := handlertest.New(t)
	f.SetBlock(true)
	f.Grant("orders-prod", models.GrantInfrastructure)
	c := f.Login(handlertest.OwnerEmail)
	for _, path := range []string{"/login?x", handlertest.ClustersURL(handlertest.IDs.Prod), "/orgs/" + handlertest.IDs.Org + "/settings", "/orgs/" + handlertest.IDs.Org + "/activity",
		handlertest.ClusterURL(handlertest.IDs.Prod, "analytics", "/grant"), handlertest.ClusterURL(handlertest.IDs.Prod, "orders-prod", "/revoke"), handlertest.ClusterURL(handlertest.IDs.Prod, "orders-prod", "/status")} {
		doc := handlertest.Parse(t, c.Get(path))
		if n := doc.Find("script:not([src])").Length(); n > 0 {
			t.Errorf("%s: %d inline scripts", path, n)
		}
		doc.Find("*").Each(func(_ int, s *goquery.Selection) {
			for _, a := range s.Nodes[0].Attr {
				if strings.HasPrefix(a.Key, "on") || a.Key == "style" || strings.HasPrefix(strings.ToLower(a.Val), "javascript:") {
					t.Errorf("%s: <%s %s=%q> needs inline code", path, goquery.NodeName(s), a.Key, a.Val)
				}
			}
		})
	}
}

func TestOddInputNeverFails(t *testing.T) {
	f := handlertest.New(t)
	f.SetBlock(true)
	c := f.Login(handlertest.OwnerEmail)
	c.Get("/login")
	odd := []string{"zzz", "000000000000000000000000", "AAAAAAAAAAAAAAAAAAAAAAAA", strings.Repeat("a", 5000),
		"%00", "..%2F..%2Fetc", "%E2%80%AE", "n%C3%B1", "%27%20OR%201%3D1", "-", "analytics%20", "%F0%9F%92%A5", "%ff%fe"}
	param := regexp.MustCompile(`:[A-Za-z]+`)
	var routes, paths []string
	for _, r := range f.Echo.Routes() {
		if (r.Method == http.MethodGet || r.Method == http.MethodPost) && !strings.HasPrefix(r.Path, "/api/") && strings.Contains(r.Path, ":") {
			routes = append(routes, r.Method+" "+r.Path)
		}
	}
	if len(routes) < 8 {
		t.Fatalf("only %d routes with parameters: %v", len(routes), routes)
	}
	for _, rt := range routes {
		method, path, _ := strings.Cut(rt, " ")
		for _, v := range odd {
			// Each parameter odd in turn, the others real.
			for which := 0; which < strings.Count(path, ":"); which++ {
				n := -1
				p := param.ReplaceAllStringFunc(path, func(name string) string {
					n++
					if n == which {
						return v
					}
					switch name {
					case ":orgId":
						return handlertest.IDs.Org
					case ":groupId":
						return handlertest.IDs.Prod
					}
					return "analytics"
				})
				paths = append(paths, method+" "+p)
			}
		}
	}
	queries := []string{
		"/orgs/" + handlertest.IDs.Org + "/activity?page=" + strings.Repeat("9", 40),
		"/orgs/" + handlertest.IDs.Org + "/activity?cluster=" + strings.Repeat("x", 5000),
		"/orgs/" + handlertest.IDs.Org + "/activity?type=%00&project=%27",
		"/login?next=" + strings.Repeat("%2F", 3000),
		"/login?next=javascript:alert(1)",
		"/static/..%2F..%2Fgo.mod", "/static/", "/orgs/", "/groups//clusters", "/groups/" + handlertest.IDs.Prod + "/clusters//grant",
	}
	for _, q := range queries {
		paths = append(paths, "GET "+q)
	}
	forms := []url.Values{
		{"grantType": {strings.Repeat("X", 10000)}, "requestKey": {strings.Repeat("k", 10000)}},
		{"grantType": {string(models.GrantInfrastructure), string(models.GrantDatabaseLogs)}, "restrictEmployeeAccess": {"true", "false"}},
		{"restrictEmployeeAccess": {"\x00"}, "grantType": {"\xff\xfe"}},
		{"email": {strings.Repeat("e", 60000)}, "password": {"x"}},
	}
	for _, line := range paths {
		method, path, _ := strings.Cut(line, " ")
		for _, htmx := range []bool{false, true} {
			var hdr map[string]string
			if htmx {
				hdr = map[string]string{"HX-Request": "true"}
			}
			if method == http.MethodGet {
				if rec := c.Do(method, path, nil, hdr); rec.Code >= 500 {
					t.Errorf("%s (htmx %v): status %d", line, htmx, rec.Code)
				}
				continue
			}
			for _, form := range forms {
				if rec := c.Do(method, path, handlertest.WithCSRF(form, c.CSRF()), hdr); rec.Code >= 500 {
					t.Errorf("%s (htmx %v): status %d", line, htmx, rec.Code)
				}
			}
		}
	}
	// An oversized body is refused as such.
	big := url.Values{"grantType": {strings.Repeat("X", 100_000)}}
	if rec := c.Post(handlertest.ClusterURL(handlertest.IDs.Prod, "analytics", "/grant"), big); rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized form: status %d, want 413", rec.Code)
	}
	if f.Count(&models.Grant{}) != 0 {
		t.Fatalf("odd input stored a grant")
	}
}
