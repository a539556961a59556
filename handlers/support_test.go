package handlers

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"supportaccess/models"
	"supportaccess/models/store"
	"supportaccess/models/store/storetest"
)

// These tests drive the support API and the Support Access Log through the
// real router on a real HTTP server (streaming needs a real connection),
// on a real SQLite file, with a clock the test moves.

const supPassword = "correct horse battery"

type supFixture struct {
	t      *testing.T
	store  *store.Store
	srv    *httptest.Server
	logs   *gatedLogSource
	mu     sync.Mutex
	clock  time.Time
	org    models.Organization
	prod   models.Project
	owner  models.Actor
	token  string
	globex models.Project
}

func newSupFixture(t *testing.T) *supFixture {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(filepath.Join(t.TempDir(), "support.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	f := &supFixture{t: t, store: s, clock: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)}
	s.Now = func() time.Time {
		f.mu.Lock()
		defer f.mu.Unlock()
		return f.clock
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Migrate(ctx))
	if _, err := s.SeedDemo(ctx, supPassword); err != nil {
		t.Fatal(err)
	}
	f.org, err = s.OrgByName(ctx, "Acme Corp")
	must(err)
	f.prod, err = s.ProjectByName(ctx, f.org.ID, "Production")
	must(err)
	u, err := s.UserByEmail(ctx, models.DemoOwnerEmail)
	must(err)
	p, err := s.UserPrincipal(ctx, u)
	must(err)
	f.owner = models.Actor{Principal: p, RemoteAddr: "192.0.2.10"}
	globex, err := s.CreateOrg(ctx, "Globex")
	must(err)
	f.globex, err = s.CreateProject(ctx, globex.ID, "Globex Prod")
	must(err)
	_, err = s.CreateCluster(ctx, f.globex.ID, "globex-1", true)
	must(err)
	_, f.token, err = s.CreateSupportStaff(ctx, "tse@provider.test", 0)
	must(err)
	f.logs = &gatedLogSource{src: models.DemoLogSource{Lines: 3000, BatchLines: 100}, gateAt: -1}
	keys := [][]byte{[]byte("0123456789abcdef0123456789abcdef"), []byte("fedcba9876543210fedcba9876543210")}
	srv := New(s, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{SessionKeys: keys, LogSource: f.logs})
	f.srv = httptest.NewServer(srv.Echo())
	t.Cleanup(f.srv.Close)
	return f
}

// tick moves the clock on a millisecond, so that each decision has its
// own instant and "newest first" has one answer.
func (f *supFixture) tick() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.clock = f.clock.Add(time.Millisecond)
}

func (f *supFixture) setClock(t time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.clock = t
}

// ask posts a question to the support API with a token and a body.
func (f *supFixture) ask(token string, body any) (int, map[string]any) {
	f.t.Helper()
	var buf bytes.Buffer
	if s, ok := body.(string); ok {
		buf.WriteString(s)
	} else if err := json.NewEncoder(&buf).Encode(body); err != nil {
		f.t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/api/support/v1/access-decisions", &buf)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return f.doJSON(http.DefaultClient, req)
}

func (f *supFixture) doJSON(c *http.Client, req *http.Request) (int, map[string]any) {
	f.t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		f.t.Fatalf("status %d: body is not JSON: %v", resp.StatusCode, err)
	}
	return resp.StatusCode, out
}

func (f *supFixture) question(cluster string, scope models.Scope) map[string]string {
	return map[string]string{"groupId": f.prod.ID, "clusterName": cluster, "scope": string(scope),
		"caseNumber": "00912345", "justification": "Replica set lag since 09:00 UTC"}
}

// decisions reads every recorded decision, newest first.
func (f *supFixture) decisions() []models.AccessDecision {
	f.t.Helper()
	var out []models.AccessDecision
	if err := storetest.DB(f.store).Order("created_at DESC, id DESC").Find(&out).Error; err != nil {
		f.t.Fatal(err)
	}
	return out
}

// checkErrorShape fails unless body is the API's error shape for status.
func checkErrorShape(t *testing.T, status int, body map[string]any) {
	t.Helper()
	if body["error"] != float64(status) || body["reason"] != http.StatusText(status) || body["errorCode"] == "" || body["detail"] == "" {
		t.Fatalf("not the error shape for %d: %v", status, body)
	}
	if _, ok := body["parameters"].([]any); !ok {
		t.Fatalf("error without parameters: %v", body)
	}
}

func TestSupportDecisionTableThroughAPI(t *testing.T) {
	f := newSupFixture(t)
	ctx := context.Background()
	allow := func(scopes ...models.Scope) map[models.Scope]bool {
		m := map[models.Scope]bool{}
		for _, s := range scopes {
			m[s] = true
		}
		return m
	}
	all := []models.Scope{models.ScopeInfrastructure, models.ScopeClusterLogs, models.ScopeDatabaseLogs, models.ScopeAuditLogs}
	// The columns of product.md's table, in an order one fixture can walk.
	states := []struct {
		name    string
		block   bool
		grant   models.GrantType // "" means no grant in force
		allowed map[models.Scope]bool
	}{
		{"block off", false, "", allow(all...)},
		{"block on, no grant", true, "", allow()},
		{"block on + infrastructure grant", true, models.GrantInfrastructure, allow(all...)},
		{"block on + database logs grant", true, models.GrantDatabaseLogs, allow(models.ScopeDatabaseLogs)},
		{"block on + sync data grant", true, models.GrantInfrastructureSync, allow(append(all, models.ScopeSyncData)...)},
		{"block off + sync data grant", false, models.GrantInfrastructureSync, allow(append(all, models.ScopeSyncData)...)},
	}
	for _, st := range states {
		if _, err := f.store.SetBlock(ctx, f.owner, f.org.ID, st.block); err != nil {
			t.Fatal(err)
		}
		var grantID string
		if st.grant != "" {
			res, err := f.store.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "orders-prod", Type: st.grant})
			if err != nil {
				t.Fatal(err)
			}
			grantID = res.Grant.ID
		} else if _, _, err := f.store.RevokeAccess(ctx, f.owner, f.prod.ID, "orders-prod"); err != nil {
			t.Fatal(err)
		}
		for _, scope := range models.Scopes {
			t.Run(st.name+"/"+string(scope), func(t *testing.T) {
				f.tick()
				status, body := f.ask(f.token, f.question("orders-prod", scope))
				if status != http.StatusOK {
					t.Fatalf("status %d: %v", status, body)
				}
				if body["allowed"] != st.allowed[scope] {
					t.Fatalf("allowed = %v (%v), want %v", body["allowed"], body["reason"], st.allowed[scope])
				}
				if r, _ := body["reason"].(string); r == "" {
					t.Fatal("no reason given")
				}
				g, _ := body["grant"].(map[string]any)
				if (grantID == "") != (g == nil) || (g != nil && (g["id"] != grantID || g["grantType"] != string(st.grant))) {
					t.Fatalf("grant = %v, want id %q", body["grant"], grantID)
				}
				// The record is what the customer will read.
				d := f.decisions()[0]
				if d.ID != body["decisionId"] || d.Allowed != st.allowed[scope] || d.Scope != scope || d.GrantID != grantID ||
					d.CaseNumber != "00912345" || d.StaffEmail != "tse@provider.test" || d.Blocked != st.block ||
					d.Justification == "" || d.RemoteAddr != "127.0.0.1" || d.Via != models.ViaAPI {
					t.Fatalf("recorded %+v for answer %v", d, body)
				}
			})
		}
	}
	if n := len(f.decisions()); n != len(states)*len(models.Scopes) {
		t.Fatalf("%d decisions recorded, want %d", n, len(states)*len(models.Scopes))
	}
}

func TestSupportExpiryBoundaryThroughAPI(t *testing.T) {
	f := newSupFixture(t)
	ctx := context.Background()
	if _, err := f.store.SetBlock(ctx, f.owner, f.org.ID, true); err != nil {
		t.Fatal(err)
	}
	expires := f.clock.Add(90 * time.Minute)
	if _, err := f.store.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "analytics",
		Type: models.GrantDatabaseLogs, ExpiresAt: expires}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		at      time.Time
		allowed bool
	}{{"1ns before expirationTime", expires.Add(-time.Nanosecond), true}, {"at expirationTime", expires, false}} {
		f.setClock(tc.at)
		status, body := f.ask(f.token, f.question("analytics", models.ScopeDatabaseLogs))
		if status != http.StatusOK || body["allowed"] != tc.allowed {
			t.Fatalf("%s: %d %v", tc.name, status, body)
		}
		if (body["grant"] != nil) != tc.allowed {
			t.Fatalf("%s: grant in force %v", tc.name, body["grant"])
		}
	}
}

func TestSupportBadInput(t *testing.T) {
	f := newSupFixture(t)
	ctx := context.Background()
	_, revoked, err := f.store.CreateSupportStaff(ctx, "gone@provider.test", 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.RevokeSupportStaff(ctx, "gone@provider.test"); err != nil {
		t.Fatal(err)
	}
	_, expiring, err := f.store.CreateSupportStaff(ctx, "short@provider.test", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	f.setClock(f.clock.Add(time.Minute))
	good := f.question("analytics", models.ScopeInfrastructure)
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range good {
			m[a] = b
		}
		m[k] = v
		return m
	}
	cases := []struct {
		name     string
		token    string
		body     any
		status   int
		field    string
		recorded bool
	}{
		{"no token", "", good, 401, "", false},
		{"unknown token", "sas_" + strings.Repeat("ab", 32), good, 401, "", false},
		{"not a bearer token at all", "hello", good, 401, "", false},
		{"revoked token", revoked, good, 401, "", false},
		{"expired token", expiring, good, 401, "", false},
		// Who asks comes before what is wrong with the question, and a
		// bad token records nothing.
		{"revoked token, not JSON", revoked, "{groupId:", 401, "", false},
		{"revoked token, missing group", revoked, with("groupId", ""), 401, "", false},
		{"revoked token, unknown cluster", revoked, with("clusterName", "no-such-cluster"), 401, "", false},
		{"expired token, unknown scope", expiring, with("scope", "DATABASE"), 401, "", false},
		{"unknown token, malformed group", "sas_" + strings.Repeat("cd", 32), with("groupId", "../../etc"), 401, "", false},
		{"not JSON", f.token, "{groupId:", 400, "", false},
		{"unknown scope", f.token, with("scope", "DATABASE"), 400, "scope", true},
		{"scope in lower case", f.token, with("scope", "infrastructure"), 400, "scope", true},
		{"missing case number", f.token, with("caseNumber", ""), 400, "caseNumber", true},
		{"blank case number", f.token, with("caseNumber", "   "), 400, "caseNumber", true},
		{"missing group", f.token, with("groupId", ""), 400, "groupId", false},
		{"malformed group", f.token, with("groupId", "../../etc"), 404, "", false},
		{"unknown group", f.token, with("groupId", models.NewID(f.clock)), 404, "", false},
		{"unknown cluster", f.token, with("clusterName", "no-such-cluster"), 404, "", false},
		{"foreign cluster under our group", f.token, with("clusterName", "globex-1"), 404, "", false},
		{"malformed cluster name", f.token, with("clusterName", "a b/c"), 404, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.tick()
			before := len(f.decisions())
			status, body := f.ask(tc.token, tc.body)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %v", status, tc.status, body)
			}
			checkErrorShape(t, status, body)
			if tc.field != "" {
				fields, _ := body["badRequestDetail"].(map[string]any)["fields"].([]any)
				if len(fields) != 1 || fields[0].(map[string]any)["field"] != tc.field {
					t.Fatalf("fields %v, want %s", body["badRequestDetail"], tc.field)
				}
			}
			after := f.decisions()
			if got := len(after) - before; got != map[bool]int{true: 1, false: 0}[tc.recorded] {
				t.Fatalf("%d decisions recorded, want recorded=%v", got, tc.recorded)
			}
			if tc.recorded && (after[0].Allowed || after[0].OrgID != f.org.ID) {
				t.Fatalf("refused question recorded as %+v", after[0])
			}
		})
	}
	t.Run("console session cookie instead of a token", func(t *testing.T) {
		jar, _ := cookiejar.New(nil)
		browser := &http.Client{Jar: jar}
		f.loginAs(browser, models.DemoOwnerEmail)
		buf, _ := json.Marshal(good)
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/api/support/v1/access-decisions", bytes.NewReader(buf))
		status, body := f.doJSON(browser, req)
		if status != http.StatusUnauthorized {
			t.Fatalf("status %d with a console cookie: %v", status, body)
		}
		checkErrorShape(t, status, body)
	})
	t.Run("download without a case number", func(t *testing.T) {
		before := len(f.decisions())
		status, body := f.download(f.token, f.prod.ID, "analytics", "")
		if status != http.StatusBadRequest || len(f.decisions()) != before+1 {
			t.Fatalf("status %d, recorded %d: %v", status, len(f.decisions())-before, body)
		}
		checkErrorShape(t, status, body)
	})
	t.Run("download of an unknown cluster", func(t *testing.T) {
		status, body := f.download(f.token, f.prod.ID, "nope", "00912345")
		if status != http.StatusNotFound {
			t.Fatalf("status %d: %v", status, body)
		}
		checkErrorShape(t, status, body)
	})
	// A question about another organization's cluster, through its own
	// group, is recorded for that organization and only for it.
	t.Run("the other organization's cluster", func(t *testing.T) {
		status, body := f.ask(f.token, map[string]string{"groupId": f.globex.ID, "clusterName": "globex-1", "scope": "INFRASTRUCTURE", "caseNumber": "77"})
		if status != http.StatusOK || body["allowed"] != true {
			t.Fatalf("status %d: %v", status, body)
		}
		acme, _, err := f.store.AccessDecisions(ctx, f.owner.Principal, models.DecisionFilter{OrgID: f.org.ID, CaseNumber: "77"})
		if err != nil || len(acme) != 0 {
			t.Fatalf("Acme sees Globex's decision: %v %v", acme, err)
		}
	})
}

// download asks for a cluster's database log; on anything but 200 it
// returns the decoded error body.
func (f *supFixture) download(token, group, cluster, caseNumber string) (int, map[string]any) {
	f.t.Helper()
	u := f.srv.URL + "/api/support/v1/groups/" + group + "/clusters/" + cluster + "/logs/database?caseNumber=" + url.QueryEscape(caseNumber)
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return f.doJSON(http.DefaultClient, req)
}

// loginAs logs a browser in through the login form.
func (f *supFixture) loginAs(browser *http.Client, email string) {
	f.t.Helper()
	resp, err := browser.Get(f.srv.URL + "/login")
	if err != nil {
		f.t.Fatal(err)
	}
	resp.Body.Close()
	u, _ := url.Parse(f.srv.URL)
	var csrf string
	for _, c := range browser.Jar.Cookies(u) {
		if c.Name == "sa_csrf" {
			csrf = c.Value
		}
	}
	resp, err = browser.PostForm(f.srv.URL+"/login", url.Values{"email": {email}, "password": {supPassword}, "_csrf": {csrf}})
	if err != nil {
		f.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path == "/login" {
		f.t.Fatalf("login of %s failed: %d at %s", email, resp.StatusCode, resp.Request.URL)
	}
}

// gatedLogSource serves the demo log but, once gateAt lines have gone
// out, holds the rest back until the test opens the gate: the proof that
// a revoke lands in the middle of a download.
type gatedLogSource struct {
	src     models.DemoLogSource
	gateAt  int // lines before the gate; negative: no gate
	reached chan struct{}
	gate    chan struct{}
}

func (g *gatedLogSource) DatabaseLog(ctx context.Context, c models.Cluster) (io.ReadCloser, error) {
	r, err := g.src.DatabaseLog(ctx, c)
	if err != nil || g.gateAt < 0 {
		return r, err
	}
	return &gatedReader{ctx: ctx, g: g, r: bufio.NewReader(r), c: r}, nil
}

type gatedReader struct {
	ctx    context.Context
	g      *gatedLogSource
	r      *bufio.Reader
	c      io.Closer
	lines  int
	passed bool
}

// Read hands out whole lines, so that the gate falls between two lines.
func (r *gatedReader) Read(p []byte) (int, error) {
	if r.lines == r.g.gateAt && !r.passed {
		r.passed = true
		close(r.g.reached)
		select {
		case <-r.g.gate:
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

func TestDatabaseLogDownloadSurvivesRevoke(t *testing.T) {
	f := newSupFixture(t)
	ctx := context.Background()
	if _, err := f.store.SetBlock(ctx, f.owner, f.org.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "analytics", Type: models.GrantDatabaseLogs}); err != nil {
		t.Fatal(err)
	}
	// What a complete download holds: the whole log, straight from the source.
	cluster, err := f.store.ClusterByName(ctx, f.owner.Principal, f.prod.ID, "analytics")
	if err != nil {
		t.Fatal(err)
	}
	src, _ := f.logs.src.DatabaseLog(ctx, cluster.Cluster)
	want, _ := io.ReadAll(src)
	if n := bytes.Count(want, []byte("\n")); n != f.logs.src.Lines {
		t.Fatalf("source has %d lines", n)
	}
	f.logs.gateAt, f.logs.reached, f.logs.gate = 1000, make(chan struct{}), make(chan struct{})

	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/api/support/v1/groups/"+f.prod.ID+"/clusters/analytics/logs/database?caseNumber=00912345", nil)
	req.Header.Set("Authorization", "Bearer "+f.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Decision-Id") == "" {
		t.Fatalf("status %d, decision %q", resp.StatusCode, resp.Header.Get("X-Decision-Id"))
	}
	// Receive every line sent before the gate: the download is under way.
	<-f.logs.reached
	body := bufio.NewReader(resp.Body)
	var got bytes.Buffer
	for i := 0; i < 1000; i++ {
		line, err := body.ReadBytes('\n')
		if err != nil {
			t.Fatalf("after %d lines: %v", i, err)
		}
		got.Write(line)
	}
	before := got.Len()
	if before == 0 || before >= len(want) {
		t.Fatalf("%d bytes before the revoke, of %d", before, len(want))
	}
	revoked, _, err := f.store.RevokeAccess(ctx, f.owner, f.prod.ID, "analytics")
	if err != nil || !revoked {
		t.Fatalf("revoke: %v %v", revoked, err)
	}
	// The revoke is in force for every new question while the stream is open.
	f.tick()
	if status, d := f.ask(f.token, f.question("analytics", models.ScopeDatabaseLogs)); status != http.StatusOK || d["allowed"] != false {
		t.Fatalf("question during the download after the revoke: %d %v", status, d)
	}
	close(f.logs.gate)
	rest, err := io.ReadAll(body)
	if err != nil {
		t.Fatalf("the download was cut: %v", err)
	}
	got.Write(rest)
	if len(rest) == 0 {
		t.Fatal("no bytes after the revoke")
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("download has %d bytes (%d lines), want %d bytes (%d lines)", got.Len(), bytes.Count(got.Bytes(), []byte("\n")), len(want), f.logs.src.Lines)
	}
	for _, marker := range []string{`"atype"`, `"c":"AUDIT"`} {
		if bytes.Contains(got.Bytes(), []byte(marker)) {
			t.Fatalf("audit log entry %s in a database-log download", marker)
		}
	}
	// A new download after the revoke is refused, and recorded as refused.
	f.logs.gateAt = -1
	f.tick()
	status, errBody := f.download(f.token, f.prod.ID, "analytics", "00912345")
	if status != http.StatusForbidden {
		t.Fatalf("second download: %d %v", status, errBody)
	}
	checkErrorShape(t, status, errBody)
	var downloads []models.AccessDecision
	for _, d := range f.decisions() {
		if d.Via == models.ViaDatabaseLogDownload {
			downloads = append(downloads, d)
		}
	}
	if len(downloads) != 2 || downloads[0].Allowed || !downloads[1].Allowed || downloads[1].GrantID == "" || downloads[0].Scope != models.ScopeDatabaseLogs {
		t.Fatalf("download decisions: %+v", downloads)
	}
}
