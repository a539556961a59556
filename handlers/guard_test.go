package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"supportaccess/models"
)

const csrfMessage = "This form has expired or did not come from this site"

// consolePosts lists every state-changing console route the router has,
// with its parameters filled in: nothing is hand-picked, so a new POST
// route is covered the day it is added.
func consolePosts(t *testing.T, f *fixture) []string {
	t.Helper()
	param := regexp.MustCompile(`:[A-Za-z]+`)
	var out []string
	for _, r := range f.e.Routes() {
		if r.Method != http.MethodPost || strings.HasPrefix(r.Path, "/api/") {
			continue
		}
		p := param.ReplaceAllStringFunc(r.Path, func(name string) string {
			switch name {
			case ":orgId":
				return ids.org
			case ":groupId":
				return ids.prod
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
	f := newFixture(t)
	f.setBlock(true)
	f.grant("orders-prod", models.GrantInfrastructure)
	eventsBefore := f.count(&models.Event{})
	c := f.login(ownerEmail)
	c.get(clustersURL(ids.prod))
	form := url.Values{"grantType": {string(models.GrantInfrastructure)}, "restrictEmployeeAccess": {"false"},
		"email": {ownerEmail}, "password": {password}}
	attacks := []struct {
		name   string
		send   func(path string) int
		status int
	}{
		{"no token", func(p string) int { return c.do(http.MethodPost, p, form, nil).Code }, http.StatusForbidden},
		{"wrong token", func(p string) int { return c.do(http.MethodPost, p, withCSRF(form, "x"+c.csrf()), nil).Code }, http.StatusForbidden},
		{"token but no cookie", func(p string) int {
			bare := c.clone()
			delete(bare.cookies, "sa_csrf")
			return bare.do(http.MethodPost, p, withCSRF(form, c.csrf()), nil).Code
		}, http.StatusForbidden},
		{"wrong header token, htmx", func(p string) int {
			return c.do(http.MethodPost, p, form, map[string]string{"HX-Request": "true", "X-CSRF-Token": "nope"}).Code
		}, http.StatusForbidden},
		{"cross-site, even with the token", func(p string) int {
			return c.do(http.MethodPost, p, withCSRF(form, c.csrf()), map[string]string{"Sec-Fetch-Site": "cross-site"}).Code
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
	if !f.blocked(ids.org) || f.openGrants() != 1 || f.count(&models.Event{}) != eventsBefore {
		t.Fatalf("a refused POST changed something: blocked %v, open grants %d, events %d (before %d)",
			f.blocked(ids.org), f.openGrants(), f.count(&models.Event{}), eventsBefore)
	}
	c.mustStatus(c.get(clustersURL(ids.prod)), http.StatusOK)
	// With the token each route gets past the check, so the refusals above
	// were the check's doing and not something else's.
	for _, path := range consolePosts(t, f) {
		fresh := f.login(ownerEmail)
		rec := fresh.post(path, form)
		if rec.Code == http.StatusForbidden && strings.Contains(rec.Body.String(), csrfMessage) {
			t.Errorf("POST %s with the token: refused as a forgery", path)
		}
	}
}

func TestAnotherOrganizationsResourcesAreNotFound(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	globex := f.actor(globexEmail)
	if _, err := f.store.SetBlock(ctx, globex, ids.globex, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.GrantAccess(ctx, globex, models.GrantRequest{ProjectID: ids.globexProd, ClusterName: globexClName, Type: models.GrantInfrastructure}); err != nil {
		t.Fatal(err)
	}
	eventsBefore := f.count(&models.Event{})
	gp, gc := ids.globexProd, globexClName
	cases := []struct {
		user, method, path string
	}{
		{ownerEmail, "GET", "/orgs/" + ids.globex},
		{ownerEmail, "GET", "/orgs/" + ids.globex + "/settings"},
		{ownerEmail, "POST", "/orgs/" + ids.globex + "/settings"},
		{ownerEmail, "GET", "/orgs/" + ids.globex + "/activity"},
		{ownerEmail, "GET", "/orgs/" + ids.org + "/activity?project=" + gp},
		{ownerEmail, "GET", clustersURL(gp)},
		{ownerEmail, "GET", clusterURL(gp, gc, "/status")},
		{ownerEmail, "GET", clusterURL(gp, gc, "/grant")},
		{ownerEmail, "POST", clusterURL(gp, gc, "/grant")},
		{ownerEmail, "GET", clusterURL(gp, gc, "/revoke")},
		{ownerEmail, "POST", clusterURL(gp, gc, "/revoke")},
		// Their cluster's name under our own project.
		{ownerEmail, "GET", clusterURL(ids.prod, gc, "/status")},
		{ownerEmail, "POST", clusterURL(ids.prod, gc, "/grant")},
		{ownerEmail, "POST", clusterURL(ids.prod, gc, "/revoke")},
		// Inside one organization, a project one is not in.
		{pOwnerEmail, "GET", clustersURL(ids.staging)},
		{pOwnerEmail, "POST", clusterURL(ids.staging, "staging-1", "/grant")},
		{memberEmail, "GET", clustersURL(ids.prod)},
		{readerEmail, "GET", "/orgs/" + ids.org + "/activity?project=" + ids.staging},
	}
	clients := map[string]*client{}
	for _, tc := range cases {
		c := clients[tc.user]
		if c == nil {
			c = f.login(tc.user)
			c.get("/login")
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
				form = withCSRF(form, c.csrf())
			}
			rec := c.do(tc.method, tc.path, form, hdr)
			if rec.Code != http.StatusNotFound {
				t.Errorf("%s %s %s (htmx %v): status %d, want 404", tc.user, tc.method, tc.path, htmx, rec.Code)
				continue
			}
			body := rec.Body.String()
			if strings.Contains(body, globexName) || (tc.user == ownerEmail && strings.Contains(body, globexClName)) {
				t.Errorf("%s %s: the 404 page names the other organization's things", tc.method, tc.path)
			}
		}
	}
	if !f.blocked(ids.globex) || f.openGrants() != 1 || f.count(&models.Event{}) != eventsBefore {
		t.Fatalf("a refused request changed something: blocked %v, open grants %d, events %d (before %d)",
			f.blocked(ids.globex), f.openGrants(), f.count(&models.Event{}), eventsBefore)
	}
}

func TestSecurityHeadersOnHTML(t *testing.T) {
	f := newFixture(t)
	f.setBlock(true)
	f.grant("orders-prod", models.GrantInfrastructure)
	anon := f.anon()
	c := f.login(ownerEmail)
	c.get("/login")
	pages := []struct {
		name string
		do   func() *http.Response
	}{
		{"login", func() *http.Response { return anon.get("/login").Result() }},
		{"failed login", func() *http.Response {
			return anon.post("/login", url.Values{"email": {"x@y.test"}, "password": {"z"}}).Result()
		}},
		{"clusters", func() *http.Response { return c.get(clustersURL(ids.prod)).Result() }},
		{"settings", func() *http.Response { return c.get("/orgs/" + ids.org + "/settings").Result() }},
		{"activity", func() *http.Response { return c.get("/orgs/" + ids.org + "/activity").Result() }},
		{"grant page", func() *http.Response { return c.get(clusterURL(ids.prod, "analytics", "/grant")).Result() }},
		{"grant dialog", func() *http.Response { return c.hxGet(clusterURL(ids.prod, "analytics", "/grant")).Result() }},
		{"revoke page", func() *http.Response { return c.get(clusterURL(ids.prod, "orders-prod", "/revoke")).Result() }},
		{"status row", func() *http.Response { return c.hxGet(clusterURL(ids.prod, "orders-prod", "/status")).Result() }},
		{"invalid grant", func() *http.Response {
			return c.post(clusterURL(ids.prod, "analytics", "/grant"), url.Values{"grantType": {"X"}}).Result()
		}},
		{"not found", func() *http.Response { return c.get("/groups/nope/clusters").Result() }},
		{"no route", func() *http.Response { return c.get("/no/such/page").Result() }},
		{"forbidden", func() *http.Response { return c.do(http.MethodPost, "/logout", withCSRF(nil, "bad"), nil).Result() }},
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
	f := newFixture(t)
	f.setBlock(true)
	f.grant("orders-prod", models.GrantInfrastructure)
	c := f.login(ownerEmail)
	for _, path := range []string{"/login?x", clustersURL(ids.prod), "/orgs/" + ids.org + "/settings", "/orgs/" + ids.org + "/activity",
		clusterURL(ids.prod, "analytics", "/grant"), clusterURL(ids.prod, "orders-prod", "/revoke"), clusterURL(ids.prod, "orders-prod", "/status")} {
		doc := parse(t, c.get(path))
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
	f := newFixture(t)
	f.setBlock(true)
	c := f.login(ownerEmail)
	c.get("/login")
	odd := []string{"zzz", "000000000000000000000000", "AAAAAAAAAAAAAAAAAAAAAAAA", strings.Repeat("a", 5000),
		"%00", "..%2F..%2Fetc", "%E2%80%AE", "n%C3%B1", "%27%20OR%201%3D1", "-", "analytics%20", "%F0%9F%92%A5", "%ff%fe"}
	param := regexp.MustCompile(`:[A-Za-z]+`)
	var routes, paths []string
	for _, r := range f.e.Routes() {
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
						return ids.org
					case ":groupId":
						return ids.prod
					}
					return "analytics"
				})
				paths = append(paths, method+" "+p)
			}
		}
	}
	queries := []string{
		"/orgs/" + ids.org + "/activity?page=" + strings.Repeat("9", 40),
		"/orgs/" + ids.org + "/activity?cluster=" + strings.Repeat("x", 5000),
		"/orgs/" + ids.org + "/activity?type=%00&project=%27",
		"/login?next=" + strings.Repeat("%2F", 3000),
		"/login?next=javascript:alert(1)",
		"/static/..%2F..%2Fgo.mod", "/static/", "/orgs/", "/groups//clusters", "/groups/" + ids.prod + "/clusters//grant",
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
				if rec := c.do(method, path, nil, hdr); rec.Code >= 500 {
					t.Errorf("%s (htmx %v): status %d", line, htmx, rec.Code)
				}
				continue
			}
			for _, form := range forms {
				if rec := c.do(method, path, withCSRF(form, c.csrf()), hdr); rec.Code >= 500 {
					t.Errorf("%s (htmx %v): status %d", line, htmx, rec.Code)
				}
			}
		}
	}
	// An oversized body is refused as such.
	big := url.Values{"grantType": {strings.Repeat("X", 100_000)}}
	if rec := c.post(clusterURL(ids.prod, "analytics", "/grant"), big); rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized form: status %d, want 413", rec.Code)
	}
	if f.count(&models.Grant{}) != 0 {
		t.Fatalf("odd input stored a grant")
	}
}
