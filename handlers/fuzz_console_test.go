package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"supportaccess/handlers"
	"supportaccess/models"
	"supportaccess/models/store"
)

// The fuzz targets drive the real router on a copy of the template
// database, as the other handler tests do. Their seed corpora run in the
// normal test pass; `go test -fuzz` explores from them. Every answer must
// be below 500 (a panic is turned into a 500 by the Recover middleware, so
// this also catches panics) and must not leak internals.

// fuzzFixture builds a fixture that lives as long as the fuzz target.
// Its t is set by each input's run (helpers report through it).
func fuzzFixture(f *testing.F) *fixture {
	f.Helper()
	src, err := buildTemplate()
	if err != nil {
		f.Fatalf("template database: %v", err)
	}
	data, err := os.ReadFile(src)
	if err != nil {
		f.Fatal(err)
	}
	path := filepath.Join(f.TempDir(), "fuzz.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		f.Fatal(err)
	}
	s, err := store.Open(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	fx := &fixture{store: s, clock: startClock}
	s.Now = func() time.Time {
		fx.mu.Lock()
		defer fx.mu.Unlock()
		return fx.clock
	}
	keys := [][]byte{[]byte("0123456789abcdef0123456789abcdef"), []byte("fedcba9876543210fedcba9876543210")}
	fx.e = handlers.New(s, slog.New(slog.NewTextHandler(io.Discard, nil)), handlers.Config{SessionKeys: keys}).Echo()
	return fx
}

// leakMarkers are what a stack trace, a Go error or SQL looks like.
var leakMarkers = []string{"goroutine ", "panic", ".go:", "runtime.", "SELECT ", "INSERT ", "UPDATE ", "DELETE FROM",
	"sqlite", "SQLSTATE", "gorm", "syntax error", "no such table", "constraint failed", "record not found"}

// leak returns the first sign of internals in a body, or "".
func leak(body string) string {
	for _, m := range leakMarkers {
		if strings.Contains(body, m) {
			return m
		}
	}
	return ""
}

// checkAnswer fails an input whose answer is a server error or leaks.
// A marker the input itself holds may be quoted back in a message about
// it, so only markers absent from the inputs count.
func checkAnswer(t *testing.T, what string, rec *httptest.ResponseRecorder, inputs ...string) {
	t.Helper()
	if rec.Code >= 500 {
		t.Fatalf("%s: status %d: %.500s", what, rec.Code, rec.Body.String())
	}
	if rec.Code < 400 {
		return
	}
	for _, v := range inputs { // a query value is quoted back decoded
		if u, err := url.QueryUnescape(v); err == nil {
			inputs = append(inputs, u)
		}
	}
	in := strings.ToLower(strings.Join(inputs, "\x00"))
	for _, m := range leakMarkers {
		if strings.Contains(rec.Body.String(), m) && !strings.Contains(in, strings.ToLower(m)) {
			t.Fatalf("%s: status %d body shows %q: %.500s", what, rec.Code, m, rec.Body.String())
		}
	}
}

// consoleSession is the owner's browser, logged in once per fuzz process.
type consoleSession struct {
	fx   *fixture
	once sync.Once
	c    *client
}

func (cs *consoleSession) get(t *testing.T) *client {
	cs.fx.t = t
	cs.once.Do(func() {
		cs.c = cs.fx.login(ownerEmail)
		cs.c.get("/login")
	})
	if cs.c.cookies["sa_session"] == nil { // a fuzzed login or password change may end it
		cs.c = cs.fx.login(ownerEmail)
		cs.c.get("/login")
	}
	return cs.c
}

// consoleForms are the console's forms, each with the fields it reads.
var consoleForms = []struct {
	path   func() string
	fields []string
}{
	{func() string { return clusterURL(ids.prod, "analytics", "/grant") }, []string{"grantType", "requestKey"}},
	{func() string { return clusterURL(ids.prod, "orders-prod", "/revoke") }, []string{"requestKey", "x"}},
	{func() string { return "/orgs/" + ids.org + "/settings" }, []string{"restrictEmployeeAccess", "x"}},
	{func() string { return "/login" }, []string{"email", "password", "next"}},
	{func() string { return "/account/password" }, []string{"current", "new"}},
	{func() string { return "/orgs/" + ids.org + "/apikeys" }, []string{"description", "role", "project"}},
	{func() string { return "/orgs/" + ids.org + "/serviceaccounts" }, []string{"description", "role", "project"}},
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
		{3, ownerEmail, "wrong password!!", "/orgs"},
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
	fx := fuzzFixture(f)
	cs := &consoleSession{fx: fx}
	f.Fuzz(func(t *testing.T, which uint8, a, b, c string) {
		cl := cs.get(t)
		form := consoleForms[int(which)%len(consoleForms)]
		vals := url.Values{}
		for i, v := range []string{a, b, c} {
			if i < len(form.fields) {
				vals.Set(form.fields[i], v)
			}
		}
		path := form.path()
		checkAnswer(t, "POST "+path, cl.post(path, vals), a, b, c)
		checkAnswer(t, "POST "+path+" (htmx)", cl.hxPost(path, vals), a, b, c)
	})
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
	fx := fuzzFixture(f)
	cs := &consoleSession{fx: fx}
	fields := []string{"page", "cluster", "project", "scope", "from", "outcome", "grant", "type", "to", "case"}
	f.Fuzz(func(t *testing.T, raw string, field uint8, value string) {
		cl := cs.get(t)
		one := url.Values{fields[int(field)%len(fields)]: {value}}.Encode()
		for _, page := range []string{"/orgs/" + ids.org + "/activity", "/orgs/" + ids.org + "/support-access-log"} {
			for _, q := range []string{raw, one} {
				req := httptest.NewRequest(http.MethodGet, page, nil)
				req.URL.RawQuery = q
				req.RequestURI = req.URL.RequestURI()
				for _, ck := range cl.cookies {
					req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
				}
				rec := httptest.NewRecorder()
				fx.e.ServeHTTP(rec, req)
				checkAnswer(t, "GET "+page+"?"+q, rec, raw, value, q)
			}
		}
	})
}

// apiCallers holds the credentials the API fuzzers use: the support
// employee's token and a bearer token of an Acme owner service account.
type apiCallers struct {
	support, bearer string
}

func newAPICallers(f *testing.F, fx *fixture) apiCallers {
	f.Helper()
	ctx := context.Background()
	_, support, err := fx.store.CreateSupportStaff(ctx, "tse@provider.test", 0)
	if err != nil {
		f.Fatal(err)
	}
	sa, secret, err := fx.store.CreateServiceAccount(ctx, models.Actor{Principal: models.Operator(ids.org)},
		models.CredentialRequest{OrgID: ids.org, Description: "fuzz", Role: models.OrgOwner})
	if err != nil {
		f.Fatal(err)
	}
	bearer, _, err := fx.store.IssueAccessToken(ctx, sa.ClientID, secret)
	if err != nil {
		f.Fatal(err)
	}
	return apiCallers{support: support, bearer: bearer}
}

// rawServe sends one raw request to the router.
func rawServe(fx *fixture, method, path, body string, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	fx.e.ServeHTTP(rec, req)
	return rec
}
