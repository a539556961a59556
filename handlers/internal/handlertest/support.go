package handlertest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"supportaccess/handlers"
	"supportaccess/models"
	"supportaccess/models/store"
	"supportaccess/models/store/storetest"
)

// SupportPassword is the demo owner's password on a support fixture.
const SupportPassword = "correct horse battery"

// SupportFixture drives the support API and the Support Access Log
// through the real router on a real HTTP server (streaming needs a real
// connection), on a real SQLite file, with a clock the test moves.
type SupportFixture struct {
	T      testing.TB
	Store  *store.Store
	Srv    *httptest.Server
	Logs   *GatedLogSource
	Clock  // the store's
	Org    models.Organization
	Prod   models.Project
	Owner  models.Actor
	Token  string
	Globex models.Project
}

// NewSupport builds a support fixture: the demo organization blocked or
// not as seeded, Globex with a cluster, a support employee's token, and
// database logs that a test can hold back.
func NewSupport(t testing.TB) *SupportFixture {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(filepath.Join(t.TempDir(), "support.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	f := &SupportFixture{T: t, Store: s}
	f.SetClock(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC))
	s.Now = f.Now
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Migrate(ctx))
	if _, err := s.SeedDemo(ctx, SupportPassword); err != nil {
		t.Fatal(err)
	}
	f.Org, err = s.OrgByName(ctx, "Acme Corp")
	must(err)
	f.Prod, err = s.ProjectByName(ctx, f.Org.ID, "Production")
	must(err)
	u, err := s.UserByEmail(ctx, models.DemoOwnerEmail)
	must(err)
	p, err := s.UserPrincipal(ctx, u)
	must(err)
	f.Owner = models.Actor{Principal: p, RemoteAddr: "192.0.2.10"}
	globex, err := s.CreateOrg(ctx, "Globex")
	must(err)
	f.Globex, err = s.CreateProject(ctx, globex.ID, "Globex Prod")
	must(err)
	_, err = s.CreateCluster(ctx, f.Globex.ID, "globex-1", true)
	must(err)
	_, f.Token, err = s.CreateSupportStaff(ctx, "tse@provider.test", 0)
	must(err)
	f.Logs = &GatedLogSource{Src: models.DemoLogSource{Lines: 3000, BatchLines: 100}, GateAt: -1}
	srv := handlers.New(s, slog.New(slog.NewTextHandler(io.Discard, nil)), handlers.Config{SessionKeys: SessionKeys, LogSource: f.Logs})
	f.Srv = httptest.NewServer(srv.Echo())
	t.Cleanup(f.Srv.Close)
	return f
}

// Tick moves the clock on a millisecond, so that each decision has its
// own instant and "newest first" has one answer.
func (f *SupportFixture) Tick() { f.Advance(time.Millisecond) }

// Ask posts a question to the support API with a token and a body.
func (f *SupportFixture) Ask(token string, body any) (int, map[string]any) {
	f.T.Helper()
	var buf bytes.Buffer
	if s, ok := body.(string); ok {
		buf.WriteString(s)
	} else if err := json.NewEncoder(&buf).Encode(body); err != nil {
		f.T.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, f.Srv.URL+"/api/support/v1/access-decisions", &buf)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return f.DoJSON(http.DefaultClient, req)
}

// DoJSON sends a request and decodes its JSON answer.
func (f *SupportFixture) DoJSON(c *http.Client, req *http.Request) (int, map[string]any) {
	f.T.Helper()
	resp, err := c.Do(req)
	if err != nil {
		f.T.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		f.T.Fatalf("status %d: body is not JSON: %v", resp.StatusCode, err)
	}
	return resp.StatusCode, out
}

// Question is a valid question about a Production cluster and scope.
func (f *SupportFixture) Question(cluster string, scope models.Scope) map[string]string {
	return map[string]string{"groupId": f.Prod.ID, "clusterName": cluster, "scope": string(scope),
		"caseNumber": "00912345", "justification": "Replica set lag since 09:00 UTC"}
}

// Decisions reads every recorded decision, newest first.
func (f *SupportFixture) Decisions() []models.AccessDecision {
	f.T.Helper()
	var out []models.AccessDecision
	if err := storetest.DB(f.Store).Order("created_at DESC, id DESC").Find(&out).Error; err != nil {
		f.T.Fatal(err)
	}
	return out
}

// CheckErrorShape fails unless body is the API's error shape for status.
func CheckErrorShape(t testing.TB, status int, body map[string]any) {
	t.Helper()
	if body["error"] != float64(status) || body["reason"] != http.StatusText(status) || body["errorCode"] == "" || body["detail"] == "" {
		t.Fatalf("not the error shape for %d: %v", status, body)
	}
	if _, ok := body["parameters"].([]any); !ok {
		t.Fatalf("error without parameters: %v", body)
	}
}

// Download asks for a cluster's database log; on anything but 200 it
// returns the decoded error body.
func (f *SupportFixture) Download(token, group, cluster, caseNumber string) (int, map[string]any) {
	f.T.Helper()
	u := f.Srv.URL + "/api/support/v1/groups/" + group + "/clusters/" + cluster + "/logs/database?caseNumber=" + url.QueryEscape(caseNumber)
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return f.DoJSON(http.DefaultClient, req)
}

// LoginAs logs a browser in through the login form.
func (f *SupportFixture) LoginAs(browser *http.Client, email string) {
	f.T.Helper()
	resp, err := browser.Get(f.Srv.URL + "/login")
	if err != nil {
		f.T.Fatal(err)
	}
	resp.Body.Close()
	u, _ := url.Parse(f.Srv.URL)
	var csrf string
	for _, c := range browser.Jar.Cookies(u) {
		if c.Name == "sa_csrf" {
			csrf = c.Value
		}
	}
	resp, err = browser.PostForm(f.Srv.URL+"/login", url.Values{"email": {email}, "password": {SupportPassword}, "_csrf": {csrf}})
	if err != nil {
		f.T.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path == "/login" {
		f.T.Fatalf("login of %s failed: %d at %s", email, resp.StatusCode, resp.Request.URL)
	}
}

// GatedLogSource serves the demo log but, once GateAt lines have gone
// out, holds the rest back until the test opens the gate: the proof that
// a revoke lands in the middle of a download.
type GatedLogSource struct {
	Src     models.DemoLogSource
	GateAt  int           // lines before the gate; negative: no gate
	Reached chan struct{} // closed when a download reaches the gate
	Gate    chan struct{} // closed by the test to let it on
}

// DatabaseLog opens the demo log of c, gated.
func (g *GatedLogSource) DatabaseLog(ctx context.Context, c models.Cluster) (io.ReadCloser, error) {
	r, err := g.Src.DatabaseLog(ctx, c)
	if err != nil || g.GateAt < 0 {
		return r, err
	}
	return &gatedReader{ctx: ctx, g: g, r: bufio.NewReader(r), c: r}, nil
}

type gatedReader struct {
	ctx    context.Context
	g      *GatedLogSource
	r      *bufio.Reader
	c      io.Closer
	lines  int
	passed bool
}

// Read hands out whole lines, so that the gate falls between two lines.
func (r *gatedReader) Read(p []byte) (int, error) {
	if r.lines == r.g.GateAt && !r.passed {
		r.passed = true
		close(r.g.Reached)
		select {
		case <-r.g.Gate:
		case <-r.ctx.Done():
			return 0, r.ctx.Err()
		}
	}
	line, err := r.r.ReadBytes('\n')
	if len(line) > len(p) {
		return 0, fmt.Errorf("buffer of %d bytes too small for a line", len(p))
	}
	if len(line) > 0 {
		r.lines++
	}
	return copy(p, line), err
}

func (r *gatedReader) Close() error { return r.c.Close() }

// Browse opens a console page in a logged-in browser.
func (f *SupportFixture) Browse(browser *http.Client, path string) (int, *goquery.Document) {
	f.T.Helper()
	resp, err := browser.Get(f.Srv.URL + path)
	if err != nil {
		f.T.Fatal(err)
	}
	defer resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		f.T.Fatal(err)
	}
	return resp.StatusCode, doc
}
