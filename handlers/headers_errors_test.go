package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models/store/storetest"
)

// TestEveryUnsafeConsoleMethodNeedsTheCSRFToken covers every console
// route that is not a GET, whatever its method: guard_test.go attacks the
// POSTs in depth; this makes sure a PATCH, PUT or DELETE added one day is
// not left out.
func TestEveryUnsafeConsoleMethodNeedsTheCSRFToken(t *testing.T) {
	f := handlertest.New(t)
	c := f.Login(handlertest.OwnerEmail)
	c.Get("/login")
	param := regexp.MustCompile(`:[A-Za-z]+|\*`)
	n := 0
	for _, r := range f.Echo.Routes() {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions, routeNotFound:
			continue
		}
		if strings.HasPrefix(r.Path, "/api/") {
			continue
		}
		n++
		path := param.ReplaceAllString(r.Path, "000000000000000000000000")
		rec := c.Do(r.Method, path, url.Values{"restrictEmployeeAccess": {"true"}}, nil)
		if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), csrfMessage) {
			t.Errorf("%s %s without the token: %d, want 403 as a forgery", r.Method, r.Path, rec.Code)
		}
	}
	if n < 10 {
		t.Fatalf("only %d state-changing console routes found", n)
	}
}

// TestInternalErrorsShowNothingInside breaks the database under a running
// server: the console and the APIs answer 500 with a plain message, no SQL
// or Go error, and the console's error page keeps the security headers.
func TestInternalErrorsShowNothingInside(t *testing.T) {
	f := handlertest.New(t)
	c := f.Login(handlertest.OwnerEmail)
	_, support, err := f.Store.CreateSupportStaff(t.Context(), "tse@provider.test", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{"DROP TABLE grants", "DROP TABLE access_decisions"} {
		if err := storetest.DB(f.Store).Exec(stmt).Error; err != nil {
			t.Fatal(err)
		}
	}
	rec := c.Get(handlertest.ClustersURL(handlertest.IDs.Prod))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("clusters page on a broken database: %d", rec.Code)
	}
	if m := handlertest.Leak(rec.Body.String()); m != "" || !strings.Contains(rec.Body.String(), "Internal error") {
		t.Fatalf("error page shows %q: %.1000s", m, rec.Body.String())
	}
	checkHTMLHeaders(t, "500 page", rec.Result().Header)
	q := `{"groupId":"` + handlertest.IDs.Prod + `","clusterName":"orders-prod","scope":"INFRASTRUCTURE","caseNumber":"1","justification":"x"}`
	rec = f.RawServe(http.MethodPost, "/api/support/v1/access-decisions", q, map[string]string{"Authorization": "Bearer " + support, "Content-Type": "application/json"})
	if rec.Code != http.StatusInternalServerError || handlertest.Leak(rec.Body.String()) != "" || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("support API on a broken database: %d %q %.1000s", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
}

// checkHTMLHeaders fails unless an HTML answer carries the policy: no
// inline or foreign scripts, no framing, no sniffing, a strict referrer.
func checkHTMLHeaders(t *testing.T, name string, h http.Header) {
	t.Helper()
	csp := map[string]string{}
	for _, d := range strings.Split(h.Get("Content-Security-Policy"), ";") {
		if fs := strings.Fields(d); len(fs) > 0 {
			csp[fs[0]] = strings.Join(fs[1:], " ")
		}
	}
	script, ok := csp["script-src"]
	if !ok {
		script = csp["default-src"]
	}
	if script == "" || strings.Contains(script, "'unsafe-inline'") || strings.Contains(script, "'unsafe-eval'") || strings.Contains(script, "*") || strings.Contains(script, "data:") {
		t.Errorf("%s: script sources %q", name, script)
	}
	if csp["frame-ancestors"] != "'none'" {
		t.Errorf("%s: frame-ancestors %q, want 'none'", name, csp["frame-ancestors"])
	}
	if h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options %q", name, h.Get("X-Content-Type-Options"))
	}
	switch rp := h.Get("Referrer-Policy"); rp {
	case "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin":
	default:
		t.Errorf("%s: Referrer-Policy %q", name, rp)
	}
}
