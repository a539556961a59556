package atlasapi_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

// What Terraform's organization resource, cluster data sources and project
// data source read, answered in the shape the provider decodes: for each
// endpoint its media type version, the fields it reads with their JSON
// types, and 406 for a version it does not serve.

// jsonKind names the JSON type of a decoded value.
func jsonKindOf(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case nil:
		return "null"
	}
	return "?"
}

// checkFields reports every field of want missing from obj or of another
// JSON type.
func checkFields(t *testing.T, what string, obj any, want map[string]string) {
	t.Helper()
	m, ok := obj.(map[string]any)
	if !ok {
		t.Errorf("%s: not a JSON object: %v", what, obj)
		return
	}
	for field, kind := range want {
		if got := jsonKindOf(m[field]); got != kind {
			t.Errorf("%s: field %q is %s, want %s (%v)", what, field, got, kind, obj)
		}
	}
}

// pageFields are the fields of every page.
var pageFields = map[string]string{"links": "array", "results": "array", "totalCount": "number"}

func TestTerraformReadsFindTheirShapes(t *testing.T) {
	f := handlertest.NewAPI(t)
	ctx := context.Background()
	if _, err := f.Store.CreateUser(ctx, "reader@acme.test", "correct horse battery", f.Org.ID, models.ProjectReadOnly, f.Prod.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Store.SetBlock(ctx, models.Actor{Principal: models.Operator(f.Org.ID)}, f.Org.ID, true); err != nil {
		t.Fatal(err)
	}
	evs, _, err := f.Store.Events(ctx, models.Operator(f.Org.ID), models.EventFilter{OrgID: f.Org.ID})
	if err != nil || len(evs) != 1 {
		t.Fatalf("the block event: %v %v", evs, err)
	}
	pub, priv := f.Key(f.Org.ID, models.ProjectReadOnly)
	c := handlertest.DigestClient(pub, priv)
	org, group := "/api/atlas/v2/orgs/"+f.Org.ID, "/api/atlas/v2/groups/"+f.Prod.ID
	rows := []struct {
		path, version string
		check         func(t *testing.T, body any)
	}{
		{org, "2023-01-01", func(t *testing.T, b any) {
			checkFields(t, "organization", b, map[string]string{"id": "string", "name": "string", "isDeleted": "boolean",
				"skipDefaultAlertsSettings": "boolean", "links": "array"})
		}},
		{org + "/settings", "2023-01-01", func(t *testing.T, b any) {
			checkFields(t, "organization settings", b, map[string]string{"apiAccessListRequired": "boolean", "multiFactorAuthRequired": "boolean",
				"restrictEmployeeAccess": "boolean", "genAIFeaturesEnabled": "boolean", "securityContact": "string"})
		}},
		{org + "/events/" + evs[0].ID, "2023-01-01", func(t *testing.T, b any) {
			checkFields(t, "event", b, map[string]string{"id": "string", "created": "string", "eventTypeName": "string", "orgId": "string", "links": "array"})
		}},
		{f.ClusterPath("orders-prod") + "/processArgs", "2024-08-05", func(t *testing.T, b any) {
			checkFields(t, "processArgs", b, nil)
		}},
		{group + "/flexClusters", "2024-11-13", func(t *testing.T, b any) {
			checkFields(t, "flex clusters", b, pageFields)
			if n := len(b.(map[string]any)["results"].([]any)); n != 0 {
				t.Errorf("%d flex clusters on a server that has none", n)
			}
		}},
		{"/api/atlas/v2/groups/byName/Production", "2023-01-01", func(t *testing.T, b any) {
			checkFields(t, "project by name", b, map[string]string{"id": "string", "name": "string", "orgId": "string",
				"clusterCount": "number", "created": "string", "links": "array"})
			if b.(map[string]any)["id"] != f.Prod.ID {
				t.Errorf("byName/Production is not Production: %v", b)
			}
		}},
		{group + "/teams", "2023-01-01", func(t *testing.T, b any) {
			checkFields(t, "teams", b, pageFields)
			if b.(map[string]any)["totalCount"] != 0.0 {
				t.Errorf("teams on a server that has none: %v", b)
			}
		}},
		{group + "/limits", "2023-01-01", func(t *testing.T, b any) {
			if l, ok := b.([]any); !ok || len(l) != 0 {
				t.Errorf("limits are not an empty array: %v", b)
			}
		}},
		{group + "/settings", "2023-01-01", func(t *testing.T, b any) {
			want := map[string]string{}
			for _, f := range []string{"isCollectDatabaseSpecificsStatisticsEnabled", "isDataExplorerEnabled", "isDataExplorerGenAIFeaturesEnabled",
				"isDataExplorerGenAISampleDocumentPassingEnabled", "isExtendedStorageSizesEnabled", "isPerformanceAdvisorEnabled",
				"isRealtimePerformancePanelEnabled", "isSchemaAdvisorEnabled"} {
				want[f] = "boolean"
			}
			checkFields(t, "project settings", b, want)
			for k, v := range b.(map[string]any) {
				if v != false {
					t.Errorf("project setting %s is %v: this server offers none of these features", k, v)
				}
			}
		}},
		{group + "/ipAddresses", "2023-01-01", func(t *testing.T, b any) {
			checkFields(t, "ip addresses", b, map[string]string{"groupId": "string", "services": "object"})
			checkFields(t, "ip addresses' services", b.(map[string]any)["services"], map[string]string{"clusters": "array"})
		}},
		{group + "/managedSlowMs", "2023-01-01", func(t *testing.T, b any) {
			if b != false {
				t.Errorf("managedSlowMs is %v, want the JSON boolean false", b)
			}
		}},
		{group + "/users", "2025-02-19", func(t *testing.T, b any) {
			checkFields(t, "users", b, pageFields)
			users := b.(map[string]any)["results"].([]any)
			if len(users) != 1 {
				t.Fatalf("users of Production: %v, want the one member", users)
			}
			checkFields(t, "user", users[0], map[string]string{"id": "string", "orgMembershipStatus": "string", "roles": "array",
				"username": "string", "createdAt": "string"})
			u := users[0].(map[string]any)
			if u["username"] != "reader@acme.test" || len(u["roles"].([]any)) != 1 || u["roles"].([]any)[0] != "GROUP_READ_ONLY" {
				t.Errorf("user: %v", u)
			}
		}},
	}
	for _, r := range rows {
		t.Run(r.path, func(t *testing.T) {
			media := "application/vnd.atlas." + r.version + "+json"
			status, b, resp := f.Call(c, "GET", r.path, "", "Accept", media)
			if status != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), media) {
				t.Fatalf("%d %q: %s", status, resp.Header.Get("Content-Type"), b)
			}
			var body any
			if err := json.Unmarshal(b, &body); err != nil {
				t.Fatalf("not JSON: %v: %s", err, b)
			}
			r.check(t, body)
			status, b, _ = f.Call(c, "GET", r.path, "", "Accept", "application/vnd.atlas.2099-01-01+json")
			if status != 406 || handlertest.APIErr(t, 406, b).ErrorCode != "INVALID_VERSION" {
				t.Errorf("unknown version: %d %s", status, b)
			}
		})
	}
}

// TestPathsBelowAClusterThatAreNotServedAre404: the rest of the path is
// never read as a cluster name.
func TestPathsBelowAClusterThatAreNotServedAre404(t *testing.T) {
	f := handlertest.NewAPI(t)
	pub, priv := f.Key(f.Org.ID, models.OrgOwner)
	c := handlertest.DigestClient(pub, priv)
	for _, p := range []string{
		f.ClusterPath("orders-prod/anything"),
		f.ClusterPath("orders-prod/processArgs/more"),
		f.ClusterPath("no-such-cluster/backup/snapshots"),
		"/api/atlas/v2/groups/" + f.Prod.ID + "/events/" + strings.Repeat("ab", 12) + "/more",
		"/api/atlas/v2/groups/byName/Production/more",
	} {
		status, b, _ := f.Call(c, "GET", p, "")
		if status != 404 || handlertest.APIErr(t, 404, b).ErrorCode != "RESOURCE_NOT_FOUND" {
			t.Errorf("GET %s: %d %s, want 404 in the API's error shape", p, status, b)
		}
	}
	status, b, _ := f.Call(c, "GET", f.ClusterPath("no-such-cluster")+"/processArgs", "")
	if status != 404 {
		t.Errorf("processArgs of an unknown cluster: %d %s", status, b)
	}
}

// TestProjectByNameTakesAnyName: a name with spaces, '%' and '/' is found
// when the client escapes it, as the Atlas SDK does.
func TestProjectByNameTakesAnyName(t *testing.T) {
	f := handlertest.NewAPI(t)
	pr, err := f.Store.CreateProject(context.Background(), f.Org.ID, "R&D 50%/east")
	if err != nil {
		t.Fatal(err)
	}
	pub, priv := f.Key(f.Org.ID, models.OrgReadOnly)
	c := handlertest.DigestClient(pub, priv)
	status, b, _ := f.Call(c, "GET", "/api/atlas/v2/groups/byName/"+url.PathEscape(pr.Name), "")
	if status != 200 || !contains(b, `"id":"`+pr.ID+`"`) {
		t.Errorf("by escaped name: %d %s", status, b)
	}
	status, b, _ = f.Call(c, "GET", "/api/atlas/v2/groups/byName/Nowhere", "")
	if status != 404 || handlertest.APIErr(t, 404, b).ErrorCode != "RESOURCE_NOT_FOUND" {
		t.Errorf("unknown name: %d %s", status, b)
	}
}
