package atlasapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
	"supportaccess/models/store/storetest"
)

// requestWorld is an API fixture with a support employee's token and the
// Admin API keys of an owner, a support access manager and a reader.
type requestWorld struct {
	f                      *handlertest.APIFixture
	token                  string
	owner, manager, reader *http.Client
}

func newRequestWorld(t *testing.T, f *handlertest.APIFixture) *requestWorld {
	t.Helper()
	_, token, err := f.Store.CreateSupportStaff(context.Background(), "tse@provider.test", 0)
	if err != nil {
		t.Fatal(err)
	}
	w := &requestWorld{f: f, token: token}
	w.owner = handlertest.DigestClient(f.Key(f.Org.ID, models.OrgOwner))
	w.manager = handlertest.DigestClient(f.Key(f.Org.ID, models.ProjectSupportAccessManager))
	w.reader = handlertest.DigestClient(f.Key(f.Org.ID, models.ProjectReadOnly))
	return w
}

// support calls the support API with the employee's token and decodes
// the JSON answer.
func (w *requestWorld) support(t *testing.T, method, path, body string) (int, map[string]any) {
	t.Helper()
	status, b, _ := w.f.Call(http.DefaultClient, method, "/api/support/v1"+path, body, "Authorization", "Bearer "+w.token)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s %s: %d, not JSON: %s", method, path, status, b)
	}
	return status, out
}

// admin calls the Admin API as c and decodes the JSON answer, if any.
func (w *requestWorld) admin(t *testing.T, c *http.Client, method, path, body string) (int, map[string]any) {
	t.Helper()
	status, b, _ := w.f.Call(c, method, "/api/atlas/v2"+path, body)
	var out map[string]any
	if len(b) > 0 {
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatalf("%s %s: %d, not JSON: %s", method, path, status, b)
		}
	}
	return status, out
}

// file files a request on cluster for typ and hours, and returns its id.
func (w *requestWorld) file(t *testing.T, cluster string, typ models.GrantType, hours int) string {
	t.Helper()
	status, r := w.support(t, http.MethodPost, "/access-requests", `{"groupId":"`+w.f.Prod.ID+`","clusterName":"`+cluster+`","grantType":"`+string(typ)+`","durationHours":`+itoa(hours)+`,"caseNumber":"00912345","justification":"replica lag"}`)
	if status != http.StatusCreated || r["status"] != "PENDING" || r["requestId"] == "" || r["expiresAt"] == "" {
		t.Fatalf("file request: %d %v", status, r)
	}
	return r["requestId"].(string)
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// requestsPath is the path of a Production request's custom method.
func (w *requestWorld) requestsPath(id, action string) string {
	return "/groups/" + w.f.Prod.ID + "/supportAccessRequests/" + id + ":" + action
}

// rows counts the rows of the tables a refused request must leave alone.
func (w *requestWorld) rows(t *testing.T) map[string]int64 {
	t.Helper()
	out := w.f.TableCounts()
	for _, tb := range []string{"access_requests", "support_access_policies"} {
		var n int64
		if err := storetest.DB(w.f.Store).Table(tb).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		out[tb] = n
	}
	return out
}

func TestAccessRequestBadInputIsAClear4xxAndChangesNothing(t *testing.T) {
	handlertest.EachBackend(t, func(t *testing.T, f *handlertest.APIFixture) {
		w := newRequestWorld(t, f)
		body := func(group, cluster, typ, hours, caseNumber string) string {
			return `{"groupId":"` + group + `","clusterName":"` + cluster + `","grantType":"` + typ + `",` + hours + `"caseNumber":"` + caseNumber + `"}`
		}
		globex, err := f.Store.ProjectByName(context.Background(), f.Other.ID, "Payments")
		if err != nil {
			t.Fatal(err)
		}
		before := w.rows(t)
		cases := []struct {
			name, body string
			status     int
			says       string
		}{
			{"unknown cluster", body(f.Prod.ID, "no-such", "CLUSTER_INFRASTRUCTURE", `"durationHours":2,`, "1"), 404, "No cluster"},
			{"foreign cluster", body(globex.ID, "orders-prod", "CLUSTER_INFRASTRUCTURE", `"durationHours":2,`, "1"), 404, "No cluster"},
			{"unknown project", body("ffffffffffffffffffffffff", "orders-prod", "CLUSTER_INFRASTRUCTURE", `"durationHours":2,`, "1"), 404, "No project"},
			{"a type the cluster cannot take", body(f.Prod.ID, "analytics", "CLUSTER_INFRASTRUCTURE_AND_APP_SERVICES_SYNC_DATA", `"durationHours":2,`, "1"), 400, "sync"},
			{"unknown type", body(f.Prod.ID, "orders-prod", "ROOT", `"durationHours":2,`, "1"), 400, "Unknown grant type"},
			{"a duration above the policy", body(f.Prod.ID, "orders-prod", "CLUSTER_INFRASTRUCTURE", `"durationHours":25,`, "1"), 400, "from 1 to 24"},
			{"no duration", body(f.Prod.ID, "orders-prod", "CLUSTER_INFRASTRUCTURE", ``, "1"), 400, "durationHours is required"},
			{"a missing case number", body(f.Prod.ID, "orders-prod", "CLUSTER_INFRASTRUCTURE", `"durationHours":2,`, ""), 400, "case number is required"},
			{"not JSON", `{"groupId":`, 400, "JSON object"},
			{"a field of its own", `{"groupId":"x","wish":"root"}`, 400, "JSON object"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				status, b, _ := f.Call(http.DefaultClient, http.MethodPost, "/api/support/v1/access-requests", tc.body, "Authorization", "Bearer "+w.token)
				e := handlertest.APIErr(t, tc.status, b)
				if status != tc.status || !strings.Contains(e.Detail, tc.says) {
					t.Fatalf("status %d, detail %q; want %d saying %q", status, e.Detail, tc.status, tc.says)
				}
			})
		}
		if after := w.rows(t); !mapsEqual(before, after) {
			t.Fatalf("refused requests changed storage: %v -> %v", before, after)
		}
		if status, _ := w.support(t, http.MethodGet, "/access-requests/ffffffffffffffffffffffff", ""); status != http.StatusNotFound {
			t.Errorf("an unknown request: %d", status)
		}

		// Approving: the role, the widening, twice; a lapsed and a cancelled request.
		id := w.file(t, "orders-prod", models.GrantInfrastructure, 4)
		theirs := handlertest.DigestClient(f.Key(f.Other.ID, models.OrgOwner))
		before = w.rows(t)
		refusals := []struct {
			name   string
			c      *http.Client
			path   string
			body   string
			status int
		}{
			{"an approver without the role", w.reader, w.requestsPath(id, "approve"), "", 403},
			{"a wider type", w.manager, w.requestsPath(id, "approve"), `{"grantType":"CLUSTER_INFRASTRUCTURE_AND_APP_SERVICES_SYNC_DATA"}`, 400},
			{"a longer duration", w.manager, w.requestsPath(id, "approve"), `{"durationHours":5}`, 400},
			{"a zero duration", w.manager, w.requestsPath(id, "approve"), `{"durationHours":0}`, 400},
			{"an unknown action", w.manager, w.requestsPath(id, "grant"), "", 404},
			{"a bad id", w.manager, w.requestsPath("nope", "approve"), "", 400},
			{"a deny without a reason", w.manager, w.requestsPath(id, "deny"), `{}`, 400},
			{"a deny with a blank reason", w.manager, w.requestsPath(id, "deny"), `{"reason":"  "}`, 400},
			{"another organization's key", theirs, w.requestsPath(id, "approve"), "", 404},
		}
		for _, tc := range refusals {
			status, b, _ := f.Call(tc.c, http.MethodPost, "/api/atlas/v2"+tc.path, tc.body)
			if status != tc.status {
				t.Errorf("%s: %d %s, want %d", tc.name, status, b, tc.status)
				continue
			}
			handlertest.APIErr(t, tc.status, b)
		}
		if after := w.rows(t); !mapsEqual(before, after) {
			t.Fatalf("refused approvals changed storage: %v -> %v", before, after)
		}
		status, r := w.admin(t, w.manager, http.MethodPost, w.requestsPath(id, "approve"), `{"grantType":"CLUSTER_DATABASE_LOGS","durationHours":2}`)
		g, _ := r["mongoDBEmployeeAccessGrant"].(map[string]any)
		if status != http.StatusOK || r["status"] != "APPROVED" || g == nil || g["grantType"] != "CLUSTER_DATABASE_LOGS" {
			t.Fatalf("approve: %d %v", status, r)
		}
		before = w.rows(t)
		if status, _ := w.admin(t, w.owner, http.MethodPost, w.requestsPath(id, "approve"), ""); status != http.StatusConflict {
			t.Errorf("approving twice: %d", status)
		}
		cancelled := w.file(t, "analytics", models.GrantDatabaseLogs, 1)
		if status, r := w.support(t, http.MethodPost, "/access-requests/"+cancelled+":cancel", ""); status != 200 || r["status"] != "CANCELLED" {
			t.Fatalf("cancel: %d %v", status, r)
		}
		if status, _ := w.support(t, http.MethodPost, "/access-requests/"+cancelled+":cancel", ""); status != http.StatusConflict {
			t.Errorf("cancelling twice: %d", status)
		}
		lapsing := w.file(t, "analytics", models.GrantDatabaseLogs, 1)
		f.Advance(models.RequestLapse)
		before = w.rows(t)
		for _, rid := range []string{cancelled, lapsing} {
			if status, _ := w.admin(t, w.owner, http.MethodPost, w.requestsPath(rid, "approve"), ""); status != http.StatusConflict {
				t.Errorf("approving a request no longer pending: %d", status)
			}
		}
		if after := w.rows(t); !mapsEqual(before, after) {
			t.Fatalf("refused approvals changed storage: %v -> %v", before, after)
		}
		if status, r := w.support(t, http.MethodGet, "/access-requests/"+lapsing, ""); status != 200 || r["status"] != "EXPIRED" {
			t.Errorf("a lapsed request reads %d %v", status, r)
		}
	})
}

func TestAccessRequestStoryThroughBothAPIs(t *testing.T) {
	handlertest.EachBackend(t, func(t *testing.T, f *handlertest.APIFixture) {
		w := newRequestWorld(t, f)
		if status, _ := w.admin(t, w.owner, http.MethodPatch, "/orgs/"+f.Org.ID+"/settings", `{"restrictEmployeeAccess":true}`); status != 200 {
			t.Fatalf("block: %d", status)
		}
		id := w.file(t, "orders-prod", models.GrantInfrastructure, 3)
		status, page := w.admin(t, w.reader, http.MethodGet, "/orgs/"+f.Org.ID+"/supportAccessRequests?status=PENDING", "")
		if rs, _ := page["results"].([]any); status != 200 || len(rs) != 1 || rs[0].(map[string]any)["caseNumber"] != "00912345" {
			t.Fatalf("pending requests: %d %v", status, page)
		}
		if status, _ := w.admin(t, w.reader, http.MethodGet, "/orgs/"+f.Org.ID+"/supportAccessRequests?status=MAYBE", ""); status != 400 {
			t.Errorf("an unknown status filter: %d", status)
		}
		if status, r := w.admin(t, w.owner, http.MethodPost, w.requestsPath(id, "approve"), ""); status != 200 || r["status"] != "APPROVED" {
			t.Fatalf("approve: %d %v", status, r)
		}
		status, r := w.support(t, http.MethodGet, "/access-requests/"+id, "")
		g, _ := r["grant"].(map[string]any)
		if status != 200 || r["status"] != "APPROVED" || r["decidedBy"] == "" || g == nil || g["grantType"] != "CLUSTER_INFRASTRUCTURE" {
			t.Fatalf("support reads the approval: %d %v", status, r)
		}
		// Support's next decision is allowed and names the request.
		status, d := w.support(t, http.MethodPost, "/access-decisions", `{"groupId":"`+f.Prod.ID+`","clusterName":"orders-prod","scope":"INFRASTRUCTURE","caseNumber":"00912345"}`)
		dg, _ := d["grant"].(map[string]any)
		if status != 200 || d["allowed"] != true || dg == nil || dg["requestId"] != id {
			t.Fatalf("decision under the approved grant: %d %v", status, d)
		}
		// A denial's reason reaches support.
		denied := w.file(t, "analytics", models.GrantDatabaseLogs, 1)
		if status, r := w.admin(t, w.manager, http.MethodPost, w.requestsPath(denied, "deny"), `{"reason":"Use the staging copy"}`); status != 200 || r["status"] != "DENIED" {
			t.Fatalf("deny: %d %v", status, r)
		}
		if status, r := w.support(t, http.MethodGet, "/access-requests/"+denied, ""); status != 200 || r["status"] != "DENIED" || r["denyReason"] != "Use the staging copy" {
			t.Fatalf("support reads the denial: %d %v", status, r)
		}
		// Extending: the same type again, through the API.
		status, b, _ := f.Call(w.owner, http.MethodPost, f.ClusterPath("orders-prod:grantMongoDBEmployeeAccess"), f.GrantBody(models.GrantInfrastructure, 20*time.Hour))
		if status != http.StatusNoContent {
			t.Fatalf("extend: %d %s", status, b)
		}
		for _, typ := range []models.EventType{models.EventRequestCreated, models.EventRequestApproved, models.EventRequestDenied, models.EventExtended} {
			status, page := w.admin(t, w.reader, http.MethodGet, "/groups/"+f.Prod.ID+"/events?eventType="+string(typ), "")
			if rs, _ := page["results"].([]any); status != 200 || len(rs) == 0 {
				t.Errorf("events of type %s: %d %v", typ, status, page)
			}
		}
	})
}

func TestSupportAccessPolicyThroughTheAPI(t *testing.T) {
	handlertest.EachBackend(t, func(t *testing.T, f *handlertest.APIFixture) {
		w := newRequestWorld(t, f)
		path := "/orgs/" + f.Org.ID + "/supportAccessPolicy"
		status, p := w.admin(t, w.reader, http.MethodGet, path, "")
		if status != 200 || p["maxGrantDurationHours"] != float64(24) || p["requireRequest"] != false || p["retentionDays"] != float64(400) || len(p["allowedGrantTypes"].([]any)) != 3 {
			t.Fatalf("default policy: %d %v", status, p)
		}
		before := w.rows(t)
		for _, tc := range []struct {
			name   string
			c      *http.Client
			body   string
			status int
		}{
			{"a manager", w.manager, `{"requireRequest":true}`, 403},
			{"25 hours", w.owner, `{"maxGrantDurationHours":25}`, 400},
			{"an unknown type", w.owner, `{"allowedGrantTypes":["ROOT"]}`, 400},
			{"no types", w.owner, `{"allowedGrantTypes":[]}`, 400},
			{"nothing named", w.owner, `{}`, 400},
			{"a field of its own", w.owner, `{"maxGrantDurationHours":2,"sudo":true}`, 400},
			{"a string for a number", w.owner, `{"maxGrantDurationHours":"2"}`, 400},
		} {
			status, b, _ := f.Call(tc.c, http.MethodPatch, "/api/atlas/v2"+path, tc.body)
			if status != tc.status {
				t.Errorf("%s: %d %s, want %d", tc.name, status, b, tc.status)
				continue
			}
			handlertest.APIErr(t, tc.status, b)
		}
		if after := w.rows(t); !mapsEqual(before, after) {
			t.Fatalf("refused policy changes changed storage: %v -> %v", before, after)
		}
		status, p = w.admin(t, w.owner, http.MethodPatch, path, `{"requireRequest":true,"maxGrantDurationHours":8}`)
		if status != 200 || p["requireRequest"] != true || p["maxGrantDurationHours"] != float64(8) || p["retentionDays"] != float64(400) {
			t.Fatalf("patch: %d %v", status, p)
		}
		// A manager's key may no longer grant directly; the owner's may, within 8 hours.
		status, b, _ := f.Call(w.manager, http.MethodPost, f.ClusterPath("orders-prod:grantMongoDBEmployeeAccess"), f.GrantBody(models.GrantInfrastructure, time.Hour))
		if e := handlertest.APIErr(t, status, b); status != 403 || !strings.Contains(e.Detail, "requires a request") {
			t.Fatalf("manager's direct grant: %d %s", status, b)
		}
		status, b, _ = f.Call(w.owner, http.MethodPost, f.ClusterPath("orders-prod:grantMongoDBEmployeeAccess"), f.GrantBody(models.GrantInfrastructure, 9*time.Hour))
		if e := handlertest.APIErr(t, status, b); status != 400 || !strings.Contains(e.Detail, "at most 8 hours") {
			t.Fatalf("owner's grant above the maximum: %d %s", status, b)
		}
		if status, b, _ = f.Call(w.owner, http.MethodPost, f.ClusterPath("orders-prod:grantMongoDBEmployeeAccess"), f.GrantBody(models.GrantInfrastructure, 8*time.Hour)); status != 204 {
			t.Fatalf("owner's grant within the maximum: %d %s", status, b)
		}
		// Two approvals for sync data, by two people.
		if status, _ := w.admin(t, w.owner, http.MethodPatch, path, `{"secondApproverForSyncData":true}`); status != 200 {
			t.Fatal("second approver")
		}
		id := w.file(t, "orders-prod", models.GrantInfrastructureSync, 2)
		if status, r := w.admin(t, w.manager, http.MethodPost, w.requestsPath(id, "approve"), ""); status != 200 || r["status"] != "PENDING" || r["firstApprovedBy"] == "" {
			t.Fatalf("first approval: %d %v", status, r)
		}
		if status, _ := w.admin(t, w.manager, http.MethodPost, w.requestsPath(id, "approve"), ""); status != 403 {
			t.Fatalf("the first approver as the second: %d", status)
		}
		if status, r := w.admin(t, w.owner, http.MethodPost, w.requestsPath(id, "approve"), ""); status != 200 || r["status"] != "APPROVED" {
			t.Fatalf("second approval: %d %v", status, r)
		}
	})
}

func mapsEqual(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
