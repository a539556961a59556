package console_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"supportaccess/models"

	"supportaccess/handlers/internal/handlertest"
)

func decisionCases(doc *goquery.Document) []string {
	var out []string
	doc.Find(`[data-testid="decision-row"] [data-testid="decision-case"]`).Each(func(_ int, s *goquery.Selection) {
		out = append(out, strings.TrimSpace(s.Text()))
	})
	return out
}

func TestSupportAccessLogPage(t *testing.T) {
	f := handlertest.NewSupport(t)
	ctx := context.Background()
	if _, err := f.Store.SetBlock(ctx, f.Owner, f.Org.ID, true); err != nil {
		t.Fatal(err)
	}
	res, err := f.Store.GrantAccess(ctx, f.Owner, models.GrantRequest{ProjectID: f.Prod.ID, ClusterName: "analytics", Type: models.GrantDatabaseLogs})
	if err != nil {
		t.Fatal(err)
	}
	ask := func(cluster string, scope models.Scope, caseNumber string) {
		t.Helper()
		f.Tick()
		q := f.Question(cluster, scope)
		q["caseNumber"] = caseNumber
		if status, body := f.Ask(f.Token, q); status != http.StatusOK {
			t.Fatalf("%d %v", status, body)
		}
	}
	ask("analytics", models.ScopeDatabaseLogs, "CASE-1")     // allowed under the grant
	ask("analytics", models.ScopeAuditLogs, "CASE-2")        // denied under the grant
	ask("orders-prod", models.ScopeInfrastructure, "CASE-3") // denied, no grant
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	f.LoginAs(browser, models.DemoOwnerEmail)
	base := "/orgs/" + f.Org.ID + "/support-access-log"

	for _, tc := range []struct {
		name  string
		query url.Values
		want  []string
	}{
		{"everything, newest first", nil, []string{"CASE-3", "CASE-2", "CASE-1"}},
		{"one cluster", url.Values{"project": {f.Prod.ID}, "cluster": {"analytics"}}, []string{"CASE-2", "CASE-1"}},
		{"denied", url.Values{"outcome": {"denied"}}, []string{"CASE-3", "CASE-2"}},
		{"allowed", url.Values{"outcome": {"allowed"}}, []string{"CASE-1"}},
		{"one scope", url.Values{"scope": {"AUDIT_LOGS"}}, []string{"CASE-2"}},
		{"one case", url.Values{"case": {"CASE-3"}}, []string{"CASE-3"}},
		{"under one grant", url.Values{"grant": {res.Grant.ID}}, []string{"CASE-2", "CASE-1"}},
		{"from a later time", url.Values{"from": {"2026-11-27T12:01"}}, nil},
		{"up to the day", url.Values{"to": {"2026-11-27"}}, []string{"CASE-3", "CASE-2", "CASE-1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := base
			if tc.query != nil {
				path += "?" + tc.query.Encode()
			}
			status, doc := f.Browse(browser, path)
			if status != http.StatusOK {
				t.Fatalf("status %d", status)
			}
			if got := decisionCases(doc); !slices.Equal(got, tc.want) {
				t.Fatalf("cases %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("a row says who, why, what and the answer", func(t *testing.T) {
		_, doc := f.Browse(browser, base+"?case=CASE-2")
		r := doc.Find(`[data-testid="decision-row"]`)
		txt := strings.Join(strings.Fields(r.Text()), " ")
		for _, want := range []string{"analytics", "Audit logs", "Denied", "tse@provider.test", "Replica set lag", "Database logs only", "127.0.0.1"} {
			if !strings.Contains(txt, want) {
				t.Fatalf("row %q lacks %q", txt, want)
			}
		}
		if r.AttrOr("data-outcome", "") != "denied" {
			t.Fatalf("outcome attribute %q", r.AttrOr("data-outcome", ""))
		}
	})
	t.Run("linked from the sidebar, the cluster menu and the grant's event", func(t *testing.T) {
		_, doc := f.Browse(browser, "/groups/"+f.Prod.ID+"/clusters")
		if doc.Find(`.sidebar a[href="`+base+`"]`).Length() != 1 {
			t.Fatal("no Support Access Log link in the sidebar")
		}
		href, _ := doc.Find(`[data-cluster="analytics"] [data-testid="cluster-access-log"]`).Attr("href")
		want := base + "?" + url.Values{"project": {f.Prod.ID}, "cluster": {"analytics"}}.Encode()
		if href != want {
			t.Fatalf("cluster menu links to %q", href)
		}
		_, doc = f.Browse(browser, "/orgs/"+f.Org.ID+"/activity")
		href, _ = doc.Find(`[data-event-type="EMPLOYEE_ACCESS_GRANTED"] [data-testid="grant-decisions-link"]`).Attr("href")
		if href != base+"?grant="+res.Grant.ID {
			t.Fatalf("grant event links to %q", href)
		}
	})
	t.Run("the download buttons export what the filters show", func(t *testing.T) {
		_, doc := f.Browse(browser, base+"?outcome=denied")
		for format, want := range map[string]string{"csv": "text/csv", "jsonl": "application/jsonl"} {
			href, ok := doc.Find(`[data-testid="export-` + format + `"]`).Attr("href")
			if !ok {
				t.Fatalf("no %s download", format)
			}
			resp, err := browser.Get(f.Srv.URL + href)
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), want) {
				t.Fatalf("%s: %d %s %v", href, resp.StatusCode, resp.Header.Get("Content-Type"), err)
			}
			body := string(b)
			if !strings.Contains(body, "CASE-3") || !strings.Contains(body, "CASE-2") || strings.Contains(body, "CASE-1") {
				t.Fatalf("%s: the export is not the denied decisions: %s", href, body)
			}
			if format == "csv" && !strings.HasPrefix(body, "id,created,orgId,") {
				t.Fatalf("csv export starts %.60q", body)
			}
		}
		if status, _ := f.Browse(browser, base+"/export?format=pdf"); status != http.StatusUnprocessableEntity {
			t.Fatalf("a pdf export: status %d", status)
		}
	})
	t.Run("bad filters are clear errors", func(t *testing.T) {
		for _, q := range []string{"outcome=maybe", "scope=EVERYTHING", "from=yesterday", "to=2026-13-45", "before=0", "after=x", "grant=zz", "project=zz", "project=" + f.Globex.ID} {
			status, doc := f.Browse(browser, base+"?"+q)
			if status < 400 || status >= 500 {
				t.Fatalf("%s: status %d", q, status)
			}
			if strings.Contains(doc.Text(), "Internal error") {
				t.Fatalf("%s: internal error", q)
			}
		}
	})
	t.Run("another organization's owner sees nothing", func(t *testing.T) {
		if _, err := f.Store.CreateUser(ctx, "owner@globex.test", handlertest.SupportPassword, f.Globex.OrgID, models.OrgOwner, ""); err != nil {
			t.Fatal(err)
		}
		jar, _ := cookiejar.New(nil)
		other := &http.Client{Jar: jar}
		f.LoginAs(other, "owner@globex.test")
		if status, _ := f.Browse(other, base); status != http.StatusNotFound {
			t.Fatalf("status %d", status)
		}
	})
}
