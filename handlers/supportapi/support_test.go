package supportapi_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"supportaccess/models"

	"supportaccess/handlers/internal/handlertest"
)

// These tests drive the support API and the Support Access Log through the
// real router on a real HTTP server (streaming needs a real connection),
// on a real SQLite file, with a clock the test moves.

func TestSupportDecisionTableThroughAPI(t *testing.T) {
	f := handlertest.NewSupport(t)
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
		if _, err := f.Store.SetBlock(ctx, f.Owner, f.Org.ID, st.block); err != nil {
			t.Fatal(err)
		}
		var grantID string
		if st.grant != "" {
			res, err := f.Store.GrantAccess(ctx, f.Owner, models.GrantRequest{ProjectID: f.Prod.ID, ClusterName: "orders-prod", Type: st.grant})
			if err != nil {
				t.Fatal(err)
			}
			grantID = res.Grant.ID
		} else if _, _, err := f.Store.RevokeAccess(ctx, f.Owner, f.Prod.ID, "orders-prod"); err != nil {
			t.Fatal(err)
		}
		for _, scope := range models.Scopes {
			t.Run(st.name+"/"+string(scope), func(t *testing.T) {
				f.Tick()
				status, body := f.Ask(f.Token, f.Question("orders-prod", scope))
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
				d := f.Decisions()[0]
				if d.ID != body["decisionId"] || d.Allowed != st.allowed[scope] || d.Scope != scope || d.GrantID != grantID ||
					d.CaseNumber != "00912345" || d.StaffEmail != "tse@provider.test" || d.Blocked != st.block ||
					d.Justification == "" || d.RemoteAddr != "127.0.0.1" || d.Via != models.ViaAPI {
					t.Fatalf("recorded %+v for answer %v", d, body)
				}
			})
		}
	}
	if n := len(f.Decisions()); n != len(states)*len(models.Scopes) {
		t.Fatalf("%d decisions recorded, want %d", n, len(states)*len(models.Scopes))
	}
}

func TestSupportExpiryBoundaryThroughAPI(t *testing.T) {
	f := handlertest.NewSupport(t)
	ctx := context.Background()
	if _, err := f.Store.SetBlock(ctx, f.Owner, f.Org.ID, true); err != nil {
		t.Fatal(err)
	}
	expires := f.Now().Add(90 * time.Minute)
	if _, err := f.Store.GrantAccess(ctx, f.Owner, models.GrantRequest{ProjectID: f.Prod.ID, ClusterName: "analytics",
		Type: models.GrantDatabaseLogs, ExpiresAt: expires}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		at      time.Time
		allowed bool
	}{{"1ns before expirationTime", expires.Add(-time.Nanosecond), true}, {"at expirationTime", expires, false}} {
		f.SetClock(tc.at)
		status, body := f.Ask(f.Token, f.Question("analytics", models.ScopeDatabaseLogs))
		if status != http.StatusOK || body["allowed"] != tc.allowed {
			t.Fatalf("%s: %d %v", tc.name, status, body)
		}
		if (body["grant"] != nil) != tc.allowed {
			t.Fatalf("%s: grant in force %v", tc.name, body["grant"])
		}
	}
}

func TestSupportBadInput(t *testing.T) {
	f := handlertest.NewSupport(t)
	ctx := context.Background()
	_, revoked, err := f.Store.CreateSupportStaff(ctx, "gone@provider.test", 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Store.RevokeSupportStaff(ctx, "gone@provider.test"); err != nil {
		t.Fatal(err)
	}
	_, expiring, err := f.Store.CreateSupportStaff(ctx, "short@provider.test", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	f.SetClock(f.Now().Add(time.Minute))
	good := f.Question("analytics", models.ScopeInfrastructure)
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
		{"not JSON", f.Token, "{groupId:", 400, "", false},
		{"unknown scope", f.Token, with("scope", "DATABASE"), 400, "scope", true},
		{"scope in lower case", f.Token, with("scope", "infrastructure"), 400, "scope", true},
		{"missing case number", f.Token, with("caseNumber", ""), 400, "caseNumber", true},
		{"blank case number", f.Token, with("caseNumber", "   "), 400, "caseNumber", true},
		{"missing group", f.Token, with("groupId", ""), 400, "groupId", false},
		{"malformed group", f.Token, with("groupId", "../../etc"), 404, "", false},
		{"unknown group", f.Token, with("groupId", models.NewID(f.Now())), 404, "", false},
		{"unknown cluster", f.Token, with("clusterName", "no-such-cluster"), 404, "", false},
		{"foreign cluster under our group", f.Token, with("clusterName", "globex-1"), 404, "", false},
		{"malformed cluster name", f.Token, with("clusterName", "a b/c"), 404, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.Tick()
			before := len(f.Decisions())
			status, body := f.Ask(tc.token, tc.body)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %v", status, tc.status, body)
			}
			handlertest.CheckErrorShape(t, status, body)
			if tc.field != "" {
				fields, _ := body["badRequestDetail"].(map[string]any)["fields"].([]any)
				if len(fields) != 1 || fields[0].(map[string]any)["field"] != tc.field {
					t.Fatalf("fields %v, want %s", body["badRequestDetail"], tc.field)
				}
			}
			after := f.Decisions()
			if got := len(after) - before; got != map[bool]int{true: 1, false: 0}[tc.recorded] {
				t.Fatalf("%d decisions recorded, want recorded=%v", got, tc.recorded)
			}
			if tc.recorded && (after[0].Allowed || after[0].OrgID != f.Org.ID) {
				t.Fatalf("refused question recorded as %+v", after[0])
			}
		})
	}
	t.Run("console session cookie instead of a token", func(t *testing.T) {
		jar, _ := cookiejar.New(nil)
		browser := &http.Client{Jar: jar}
		f.LoginAs(browser, models.DemoOwnerEmail)
		buf, _ := json.Marshal(good)
		req, _ := http.NewRequest(http.MethodPost, f.Srv.URL+"/api/support/v1/access-decisions", bytes.NewReader(buf))
		status, body := f.DoJSON(browser, req)
		if status != http.StatusUnauthorized {
			t.Fatalf("status %d with a console cookie: %v", status, body)
		}
		handlertest.CheckErrorShape(t, status, body)
	})
	t.Run("download without a case number", func(t *testing.T) {
		before := len(f.Decisions())
		status, body := f.Download(f.Token, f.Prod.ID, "analytics", "")
		if status != http.StatusBadRequest || len(f.Decisions()) != before+1 {
			t.Fatalf("status %d, recorded %d: %v", status, len(f.Decisions())-before, body)
		}
		handlertest.CheckErrorShape(t, status, body)
	})
	t.Run("download of an unknown cluster", func(t *testing.T) {
		status, body := f.Download(f.Token, f.Prod.ID, "nope", "00912345")
		if status != http.StatusNotFound {
			t.Fatalf("status %d: %v", status, body)
		}
		handlertest.CheckErrorShape(t, status, body)
	})
	// A question about another organization's cluster, through its own
	// group, is recorded for that organization and only for it.
	t.Run("the other organization's cluster", func(t *testing.T) {
		status, body := f.Ask(f.Token, map[string]string{"groupId": f.Globex.ID, "clusterName": "globex-1", "scope": "INFRASTRUCTURE", "caseNumber": "77"})
		if status != http.StatusOK || body["allowed"] != true {
			t.Fatalf("status %d: %v", status, body)
		}
		acme, _, err := f.Store.AccessDecisions(ctx, f.Owner.Principal, models.DecisionFilter{OrgID: f.Org.ID, CaseNumber: "77"})
		if err != nil || len(acme) != 0 {
			t.Fatalf("Acme sees Globex's decision: %v %v", acme, err)
		}
	})
}

func TestDatabaseLogDownloadSurvivesRevoke(t *testing.T) {
	f := handlertest.NewSupport(t)
	ctx := context.Background()
	if _, err := f.Store.SetBlock(ctx, f.Owner, f.Org.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Store.GrantAccess(ctx, f.Owner, models.GrantRequest{ProjectID: f.Prod.ID, ClusterName: "analytics", Type: models.GrantDatabaseLogs}); err != nil {
		t.Fatal(err)
	}
	// What a complete download holds: the whole log, straight from the source.
	cluster, err := f.Store.ClusterByName(ctx, f.Owner.Principal, f.Prod.ID, "analytics")
	if err != nil {
		t.Fatal(err)
	}
	src, _ := f.Logs.Src.DatabaseLog(ctx, cluster.Cluster)
	want, _ := io.ReadAll(src)
	if n := bytes.Count(want, []byte("\n")); n != f.Logs.Src.Lines {
		t.Fatalf("source has %d lines", n)
	}
	f.Logs.GateAt, f.Logs.Reached, f.Logs.Gate = 1000, make(chan struct{}), make(chan struct{})

	req, _ := http.NewRequest(http.MethodGet, f.Srv.URL+"/api/support/v1/groups/"+f.Prod.ID+"/clusters/analytics/logs/database?caseNumber=00912345", nil)
	req.Header.Set("Authorization", "Bearer "+f.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Decision-Id") == "" {
		t.Fatalf("status %d, decision %q", resp.StatusCode, resp.Header.Get("X-Decision-Id"))
	}
	// Receive every line sent before the gate: the download is under way.
	<-f.Logs.Reached
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
	revoked, _, err := f.Store.RevokeAccess(ctx, f.Owner, f.Prod.ID, "analytics")
	if err != nil || !revoked {
		t.Fatalf("revoke: %v %v", revoked, err)
	}
	// The revoke is in force for every new question while the stream is open.
	f.Tick()
	if status, d := f.Ask(f.Token, f.Question("analytics", models.ScopeDatabaseLogs)); status != http.StatusOK || d["allowed"] != false {
		t.Fatalf("question during the download after the revoke: %d %v", status, d)
	}
	close(f.Logs.Gate)
	rest, err := io.ReadAll(body)
	if err != nil {
		t.Fatalf("the download was cut: %v", err)
	}
	got.Write(rest)
	if len(rest) == 0 {
		t.Fatal("no bytes after the revoke")
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("download has %d bytes (%d lines), want %d bytes (%d lines)", got.Len(), bytes.Count(got.Bytes(), []byte("\n")), len(want), f.Logs.Src.Lines)
	}
	for _, marker := range []string{`"atype"`, `"c":"AUDIT"`} {
		if bytes.Contains(got.Bytes(), []byte(marker)) {
			t.Fatalf("audit log entry %s in a database-log download", marker)
		}
	}
	// A new download after the revoke is refused, and recorded as refused.
	f.Logs.GateAt = -1
	f.Tick()
	status, errBody := f.Download(f.Token, f.Prod.ID, "analytics", "00912345")
	if status != http.StatusForbidden {
		t.Fatalf("second download: %d %v", status, errBody)
	}
	handlertest.CheckErrorShape(t, status, errBody)
	var downloads []models.AccessDecision
	for _, d := range f.Decisions() {
		if d.Via == models.ViaDatabaseLogDownload {
			downloads = append(downloads, d)
		}
	}
	if len(downloads) != 2 || downloads[0].Allowed || !downloads[1].Allowed || downloads[1].GrantID == "" || downloads[0].Scope != models.ScopeDatabaseLogs {
		t.Fatalf("download decisions: %+v", downloads)
	}
}
