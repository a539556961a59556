package handlers_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers"
	"supportaccess/handlers/supportapi"
	"supportaccess/models"
	"supportaccess/models/store"
	"supportaccess/models/store/storetest"
)

// The benchmarks drive the real router and middleware in process, the way
// the handler tests do, on a SQLite file shaped like the bench task's: one
// organization of 10 projects of 100 clusters. Each reports, besides
// ns/op and allocations, "x_baseline": its requests per second as a
// fraction of a bare Echo handler's measured in the same run (1 for the
// baseline itself). In process there is no network, so the baseline is
// far cheaper than over loopback and these fractions are much smaller
// than the bench task's; they are for spotting a regression in our own
// code, the task's table is for the targets.
//
//	go test ./handlers -run '^$' -bench . -benchmem

// benchEnv is one benchmark's server and credentials.
type benchEnv struct {
	store    *store.Store
	e        *echo.Echo
	project  models.Project // project-01, 100 clusters
	cookies  string         // a logged-in owner's session and CSRF cookies
	support  string         // a support employee's bearer token
	oauth    string         // an ORG_OWNER service account's bearer token
	orgID    string
	granted  string // a cluster with an INFRASTRUCTURE grant in force
	cycleFor string // the cluster the grant+revoke cycle works on
}

const benchPassword = "bench handlertest.Password, long enough"

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	ctx := context.Background()
	s, err := store.Open(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	org, err := s.SeedLoad(ctx, models.LoadSeed{OrgName: "Bench", Projects: 10, Clusters: 100})
	if err != nil {
		b.Fatal(err)
	}
	env := &benchEnv{store: s, orgID: org.ID, granted: "cluster-001", cycleFor: "cluster-002"}
	if env.project, err = s.ProjectByName(ctx, org.ID, "project-01"); err != nil {
		b.Fatal(err)
	}
	u, err := s.CreateUser(ctx, "owner@bench.test", benchPassword, org.ID, models.OrgOwner, "")
	if err != nil {
		b.Fatal(err)
	}
	p, err := s.UserPrincipal(ctx, u)
	if err != nil {
		b.Fatal(err)
	}
	owner := models.Actor{Principal: p, RemoteAddr: "192.0.2.1"}
	if _, err := s.SetBlock(ctx, owner, org.ID, true); err != nil {
		b.Fatal(err)
	}
	if _, err := s.GrantAccess(ctx, owner, models.GrantRequest{ProjectID: env.project.ID, ClusterName: env.granted, Type: models.GrantInfrastructure}); err != nil {
		b.Fatal(err)
	}
	if _, env.support, err = s.CreateSupportStaff(ctx, "tse@bench.test", time.Hour); err != nil {
		b.Fatal(err)
	}
	sa, secret, err := s.CreateServiceAccount(ctx, models.Actor{Principal: models.Operator(org.ID)},
		models.CredentialRequest{OrgID: org.ID, Description: "bench", Role: models.OrgOwner})
	if err != nil {
		b.Fatal(err)
	}
	if env.oauth, _, err = s.IssueAccessToken(ctx, sa.ClientID, secret); err != nil {
		b.Fatal(err)
	}
	keys := [][]byte{[]byte("0123456789abcdef0123456789abcdef"), []byte("fedcba9876543210fedcba9876543210")}
	env.e = handlers.New(s, slog.New(slog.NewTextHandler(io.Discard, nil)), handlers.Config{SessionKeys: keys}).Echo()
	env.Login(b, "owner@bench.test")
	return env
}

// login logs in through the login form and keeps the cookies a browser
// would send afterwards.
func (env *benchEnv) Login(b *testing.B, email string) {
	b.Helper()
	jar := map[string]string{}
	keep := func(rec *httptest.ResponseRecorder) {
		for _, c := range rec.Result().Cookies() {
			jar[c.Name] = c.Value
		}
	}
	rec := httptest.NewRecorder()
	env.e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/login", nil))
	keep(rec)
	form := url.Values{"email": {email}, "password": {benchPassword}, "_csrf": {jar["sa_csrf"]}}
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "sa_csrf", Value: jar["sa_csrf"]})
	rec = httptest.NewRecorder()
	env.e.ServeHTTP(rec, req)
	keep(rec)
	if rec.Code != http.StatusSeeOther || jar["sa_session"] == "" {
		b.Fatalf("login: status %d, cookies %v", rec.Code, jar)
	}
	env.cookies = "sa_session=" + jar["sa_session"] + "; sa_csrf=" + jar["sa_csrf"]
}

// serve sends one request and fails the benchmark on an unexpected status.
func serve(b *testing.B, e *echo.Echo, req *http.Request, want int) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	if rec.Code != want {
		b.Fatalf("%s %s: status %d, want %d: %.500s", req.Method, req.URL, rec.Code, want, rec.Body.String())
	}
	return rec
}

// discard is a ResponseWriter that keeps the status and throws the body
// away, as a client on the far side of a socket would: an httptest
// recorder growing a buffer per page would weigh on the figures.
type discard struct {
	h    http.Header
	code int
}

func (d *discard) Header() http.Header { return d.h }
func (d *discard) WriteHeader(code int) {
	if d.code == 0 {
		d.code = code
	}
}
func (d *discard) Write(p []byte) (int, error) {
	d.WriteHeader(http.StatusOK)
	return len(p), nil
}

// hit sends one request in a benchmark's loop.
func hit(b *testing.B, e *echo.Echo, req *http.Request, want int) {
	w := &discard{h: http.Header{}}
	e.ServeHTTP(w, req)
	if w.code != want {
		b.Fatalf("%s %s: status %d, want %d", req.Method, req.URL, w.code, want)
	}
}

// bareEcho is the baseline: Echo with one route and no middleware.
func bareEcho() *echo.Echo {
	e := echo.New()
	e.GET("/", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	return e
}

// reportVsBaseline reports the benchmark's throughput as a fraction of
// the bare handler's, timed right after the benchmark so that both see
// the machine in the same state (testing.Benchmark cannot run inside a
// benchmark: it waits for the same lock).
func reportVsBaseline(b *testing.B, cpuStart time.Duration) {
	b.Helper()
	perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	// CPU time per op (the process's, GC included) does not drift with
	// other load on a shared machine the way wall time does.
	b.ReportMetric(float64((cpuTime()-cpuStart).Nanoseconds())/float64(b.N), "cpu-ns/op")
	e := bareEcho()
	n, start := 0, time.Now()
	for time.Since(start) < 300*time.Millisecond {
		for range 500 {
			hit(b, e, httptest.NewRequest(http.MethodGet, "/", nil), http.StatusOK)
		}
		n += 500
	}
	baselineNs := float64(time.Since(start).Nanoseconds()) / float64(n)
	b.ReportMetric(baselineNs/perOp, "x_baseline")
}

// cpuTime is the user and system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkBaseline is a bare Echo handler answering "ok".
func BenchmarkBaseline(b *testing.B) {
	b.ReportAllocs()
	e := bareEcho()
	cpu := cpuTime()
	for b.Loop() {
		hit(b, e, httptest.NewRequest(http.MethodGet, "/", nil), http.StatusOK)
	}
	reportVsBaseline(b, cpu)
}

// BenchmarkAccessDecision is a support employee's question through the
// support API: bearer token checked, decision taken and recorded.
func BenchmarkAccessDecision(b *testing.B) {
	env := newBenchEnv(b)
	body := `{"groupId":"` + env.project.ID + `","clusterName":"` + env.granted + `","scope":"INFRASTRUCTURE","caseNumber":"CASE-1","justification":"bench"}`
	decide := func() *http.Request {
		req := httptest.NewRequest(http.MethodPost, "/api/support/v1/access-decisions", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+env.support)
		return req
	}
	var d supportapi.SupportDecision
	if err := json.Unmarshal(serve(b, env.e, decide(), http.StatusOK).Body.Bytes(), &d); err != nil || !d.Allowed || d.DecisionID == "" {
		b.Fatalf("decision: %+v, %v", d, err)
	}
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		hit(b, env.e, decide(), http.StatusOK)
	}
	reportVsBaseline(b, cpu)
	var n int64
	if err := storetest.DB(env.store).Model(&models.AccessDecision{}).Count(&n).Error; err != nil {
		b.Fatal(err)
	}
	if n != int64(b.N)+1 {
		b.Fatalf("%d decisions recorded for %d asked", n, b.N+1)
	}
}

// BenchmarkAccessDecisionConcurrent asks the same question from 64
// goroutines at once, as the bench task's 64 connections do, so that
// decisions share commits.
func BenchmarkAccessDecisionConcurrent(b *testing.B) {
	env := newBenchEnv(b)
	body := `{"groupId":"` + env.project.ID + `","clusterName":"` + env.granted + `","scope":"INFRASTRUCTURE","caseNumber":"CASE-1","justification":"bench"}`
	b.ReportAllocs()
	b.SetParallelism(32)
	cpu := cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodPost, "/api/support/v1/access-decisions", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+env.support)
			hit(b, env.e, req, http.StatusOK)
		}
	})
	reportVsBaseline(b, cpu)
	var n int64
	if err := storetest.DB(env.store).Model(&models.AccessDecision{}).Count(&n).Error; err != nil {
		b.Fatal(err)
	}
	if n != int64(b.N) {
		b.Fatalf("%d decisions recorded for %d asked", n, b.N)
	}
}

// BenchmarkClustersPage renders a project's clusters page of 100 clusters
// for a logged-in owner.
func BenchmarkClustersPage(b *testing.B) {
	env := newBenchEnv(b)
	page := func() *http.Request {
		req := httptest.NewRequest(http.MethodGet, "/groups/"+env.project.ID+"/clusters", nil)
		req.Header.Set("Cookie", env.cookies)
		return req
	}
	body := serve(b, env.e, page(), http.StatusOK).Body.String()
	if rows := strings.Count(body, `data-testid="cluster-row"`); rows != 100 {
		b.Fatalf("the page shows %d cluster rows, want 100", rows)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		hit(b, env.e, page(), http.StatusOK)
	}
	reportVsBaseline(b, cpu)
}

// BenchmarkGrantRevokeCycle grants and revokes one cluster through the
// Admin API. It authenticates with a service account's OAuth bearer token:
// Digest needs a challenge round trip per request, which measures the
// client more than the server. One op is the whole cycle, two requests.
func BenchmarkGrantRevokeCycle(b *testing.B) {
	env := newBenchEnv(b)
	path := "/api/atlas/v2/groups/" + env.project.ID + "/clusters/" + env.cycleFor
	call := func(action, body string) {
		req := httptest.NewRequest(http.MethodPost, path+":"+action, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/vnd.atlas.2024-08-05+json")
		req.Header.Set("Authorization", "Bearer "+env.oauth)
		hit(b, env.e, req, http.StatusNoContent)
	}
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		exp := env.store.Now().Add(time.Hour).Format(time.RFC3339)
		call("grantMongoDBEmployeeAccess", `{"grantType":"CLUSTER_INFRASTRUCTURE","expirationTime":"`+exp+`"}`)
		call("revokeMongoDBEmployeeAccess", "")
	}
	reportVsBaseline(b, cpu)
	var revoked int64
	if err := storetest.DB(env.store).Model(&models.Event{}).Where("type = ?", models.EventRevoked).Count(&revoked).Error; err != nil {
		b.Fatal(err)
	}
	if revoked != int64(b.N) {
		b.Fatalf("%d revocations recorded for %d cycles", revoked, b.N)
	}
}

// BenchmarkCountdownPartial is the row partial an open clusters page
// re-syncs with, for a cluster with a grant in force.
func BenchmarkCountdownPartial(b *testing.B) {
	env := newBenchEnv(b)
	partial := func() *http.Request {
		req := httptest.NewRequest(http.MethodGet, "/groups/"+env.project.ID+"/clusters/"+env.granted+"/status", nil)
		req.Header.Set("Cookie", env.cookies)
		req.Header.Set("HX-Request", "true")
		return req
	}
	body := serve(b, env.e, partial(), http.StatusOK).Body.String()
	if !strings.Contains(body, `data-cluster="`+env.granted+`"`) || !strings.Contains(body, `data-testid="countdown"`) {
		b.Fatalf("the partial is not the row with its countdown: %.500s", body)
	}
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		hit(b, env.e, partial(), http.StatusOK)
	}
	reportVsBaseline(b, cpu)
}
