package console_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

// The fuzz targets drive the real router on a copy of the template
// database, as the other handler tests do. Their seed corpora run in the
// normal test pass; `go test -fuzz` explores from them. Every answer must
// be below 500 (a panic is turned into a 500 by the Recover middleware, so
// this also catches panics), must not leak internals, and must say what
// happened (checkOutcome): a refusal changes nothing in storage and shows
// a form error or the error page; a redirect stays on the console.

// consoleSession is the owner's browser, logged in once per fuzz process.
type consoleSession struct {
	fx   *handlertest.Fixture
	once sync.Once
	c    *handlertest.Client
}

func (cs *consoleSession) Get(t *testing.T) *handlertest.Client {
	cs.fx.T = t
	cs.once.Do(func() {
		cs.c = cs.fx.Login(handlertest.OwnerEmail)
		cs.c.Get("/login")
	})
	if cs.c.Cookies["sa_session"] == nil { // a fuzzed login or password change may end it
		cs.c = cs.fx.Login(handlertest.OwnerEmail)
		cs.c.Get("/login")
	}
	return cs.c
}

// consoleForms are the console's forms, each with the fields it reads.
var consoleForms = []struct {
	path   func() string
	fields []string
}{
	{func() string { return handlertest.ClusterURL(handlertest.IDs.Prod, "analytics", "/grant") }, []string{"grantType", "requestKey"}},
	{func() string { return handlertest.ClusterURL(handlertest.IDs.Prod, "orders-prod", "/revoke") }, []string{"requestKey", "x"}},
	{func() string { return "/orgs/" + handlertest.IDs.Org + "/settings" }, []string{"restrictEmployeeAccess", "x"}},
	{func() string { return "/login" }, []string{"email", "password", "next"}},
	{func() string { return "/account/password" }, []string{"current", "new"}},
	{func() string { return "/orgs/" + handlertest.IDs.Org + "/apikeys" }, []string{"description", "role", "project"}},
	{func() string { return "/orgs/" + handlertest.IDs.Org + "/serviceaccounts" }, []string{"description", "role", "project"}},
}

// FuzzConsoleForms posts fuzzed fields to every console form, as a page
// and as htmx, logged in as the owner.
func FuzzConsoleForms(f *testing.F) {
	seeds := []struct {
		form    uint8
		a, b, c string
	}{
		{0, string(models.GrantInfrastructure), "k1", ""},
		{0, string(models.GrantInfrastructureSync), strings.Repeat("k", 65), ""},
		{0, "\x00", "\xff", ""},
		{1, "", "", ""},
		{2, "true", "", ""},
		{2, "maybe", "", ""},
		{3, handlertest.OwnerEmail, "wrong password!!", "/orgs"},
		{3, "' OR 1=1 --", "x", "//evil.test"},
		{3, "a@b.c\r\nX: y", strings.Repeat("p", 2000), "javascript:alert(1)"},
		{4, "not it", "short", ""},
		{5, "ci key", string(models.OrgReadOnly), ""},
		{5, strings.Repeat("d", 300), "ROLE_X", "zzz"},
		{6, "sa", string(models.ProjectOwner), "000000000000000000000000"},
	}
	for _, s := range seeds {
		f.Add(s.form, s.a, s.b, s.c)
	}
	fx := handlertest.New(f)
	cs := &consoleSession{fx: fx}
	f.Fuzz(func(t *testing.T, which uint8, a, b, c string) {
		cl := cs.Get(t)
		form := consoleForms[int(which)%len(consoleForms)]
		vals := url.Values{}
		for i, v := range []string{a, b, c} {
			if i < len(form.fields) {
				vals.Set(form.fields[i], v)
			}
		}
		path := form.path()
		for _, htmx := range []bool{false, true} {
			post, what := cl.Post, "POST "+path
			if htmx {
				post, what = cl.HxPost, what+" (htmx)"
			}
			before := fx.Storage()
			rec := post(path, vals)
			handlertest.CheckAnswer(t, what, rec, a, b, c)
			checkOutcome(t, fx, what, rec, before)
		}
	})
}

// checkOutcome fails an answer that does not say what happened: a refusal
// (4xx) must leave storage as before and show why, as a form error or the
// error page; a redirect must stay on the console.
func checkOutcome(t *testing.T, fx *handlertest.Fixture, what string, rec *httptest.ResponseRecorder, before string) {
	t.Helper()
	body := rec.Body.String()
	switch {
	case rec.Code >= 400:
		if after := fx.Storage(); after != before {
			t.Fatalf("%s: refused with %d but storage changed:\n before %s\n after  %s", what, rec.Code, before, after)
		}
		if !strings.Contains(body, `role="alert"`) && !strings.Contains(body, `data-testid="error-page"`) {
			t.Fatalf("%s: refused with %d without saying why: %.500s", what, rec.Code, body)
		}
	case rec.Code >= 300:
		loc := rec.Header().Get("Location")
		if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") {
			t.Fatalf("%s: redirected to %q, off the console", what, loc)
		}
	}
}

// FuzzConsoleQueryFilters sends fuzzed query strings, raw and as one
// filter's value, to the pages that read filters.
func FuzzConsoleQueryFilters(f *testing.F) {
	for _, s := range []struct {
		raw   string
		field uint8
		value string
	}{
		{"page=2", 0, "2"},
		{"type=CLUSTER_ACCESS_GRANTED&cluster=orders-prod", 1, "orders-prod"},
		{"project=000000000000000000000000", 2, "zzz"},
		{"page=99999999999999999999", 3, "INFRASTRUCTURE"},
		{"from=2026-11-27&to=2026-11-27T14:30", 4, "2026-13-45T99:99"},
		{"outcome=allowed&scope=DATABASE_LOGS&case=00912345", 5, "denied"},
		{"grant=zz&page=-1", 6, "%00"},
		{"%zz=%", 7, "\xff\xfe"},
		{";;&&==", 8, strings.Repeat("9", 40)},
	} {
		f.Add(s.raw, s.field, s.value)
	}
	fx := handlertest.New(f)
	cs := &consoleSession{fx: fx}
	fields := []string{"page", "cluster", "project", "scope", "from", "outcome", "grant", "type", "to", "case"}
	f.Fuzz(func(t *testing.T, raw string, field uint8, value string) {
		cl := cs.Get(t)
		one := url.Values{fields[int(field)%len(fields)]: {value}}.Encode()
		for _, page := range []string{"/orgs/" + handlertest.IDs.Org + "/activity", "/orgs/" + handlertest.IDs.Org + "/support-access-log"} {
			for _, q := range []string{raw, one} {
				req := httptest.NewRequest(http.MethodGet, page, nil)
				req.URL.RawQuery = q
				req.RequestURI = req.URL.RequestURI()
				for _, ck := range cl.Cookies {
					req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
				}
				rec := httptest.NewRecorder()
				before := fx.Storage()
				fx.Echo.ServeHTTP(rec, req)
				what := "GET " + page + "?" + q
				handlertest.CheckAnswer(t, what, rec, raw, value, q)
				checkOutcome(t, fx, what, rec, before)
				// A filter reads: it never writes, whatever it answers.
				if after := fx.Storage(); after != before {
					t.Fatalf("%s: storage changed:\n before %s\n after  %s", what, before, after)
				}
				if rec.Code == http.StatusOK && !strings.Contains(rec.Body.String(), `<main id="main"`) {
					t.Fatalf("%s: 200 without the page: %.500s", what, rec.Body.String())
				}
			}
		}
	})
}
