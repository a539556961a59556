package atlasapi_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

// TestBadInputChangesNothing: each bad request gets a 4xx in the error
// shape with the expected errorCode, a detail, and storage is unchanged.
func TestBadInputChangesNothing(t *testing.T) {
	f := handlertest.NewAPI(t)
	pub, priv := f.Key(f.Org.ID, models.OrgOwner)
	c := handlertest.DigestClient(pub, priv)
	grant := f.ClusterPath("orders-prod:grantMongoDBEmployeeAccess")
	future := f.Store.Now().Add(time.Hour).Format(time.RFC3339)
	orgSettings := "/api/atlas/v2/orgs/" + f.Org.ID + "/settings"
	events := "/api/atlas/v2/groups/" + f.Prod.ID + "/events"
	cases := []struct {
		name, method, path, body string
		status                   int
		code, field              string
	}{
		{"malformed JSON", "POST", grant, `{"grantType":`, 400, "INVALID_JSON", ""},
		{"empty body", "POST", grant, ``, 400, "INVALID_JSON", ""},
		{"array body", "POST", grant, `[]`, 400, "INVALID_JSON", ""},
		{"trailing data", "POST", grant, `{"grantType":"CLUSTER_INFRASTRUCTURE","expirationTime":"` + future + `"} {}`, 400, "INVALID_JSON", ""},
		{"grantType wrong type", "POST", grant, `{"grantType":5,"expirationTime":"` + future + `"}`, 400, "INVALID_ATTRIBUTE", "grantType"},
		{"expirationTime wrong type", "POST", grant, `{"grantType":"CLUSTER_INFRASTRUCTURE","expirationTime":true}`, 400, "INVALID_ATTRIBUTE", "expirationTime"},
		{"unknown field", "POST", grant, `{"grantType":"CLUSTER_INFRASTRUCTURE","expirationTime":"` + future + `","caseNumber":"1"}`, 400, "INVALID_ATTRIBUTE", "caseNumber"},
		{"missing grantType", "POST", grant, `{"expirationTime":"` + future + `"}`, 400, "MISSING_ATTRIBUTE", "grantType"},
		{"missing expirationTime", "POST", grant, `{"grantType":"CLUSTER_INFRASTRUCTURE"}`, 400, "MISSING_ATTRIBUTE", "expirationTime"},
		{"unknown grantType", "POST", grant, `{"grantType":"EVERYTHING","expirationTime":"` + future + `"}`, 400, "INVALID_ENUM_VALUE", "grantType"},
		{"expiration not RFC 3339", "POST", grant, `{"grantType":"CLUSTER_INFRASTRUCTURE","expirationTime":"tomorrow at noon"}`, 400, "INVALID_DATE", "expirationTime"},
		{"expiration without zone", "POST", grant, `{"grantType":"CLUSTER_INFRASTRUCTURE","expirationTime":"2030-01-01T10:00:00"}`, 400, "INVALID_DATE", "expirationTime"},
		{"expiration in the past", "POST", grant, f.GrantBody(models.GrantInfrastructure, -time.Minute), 400, "INVALID_ATTRIBUTE", "expirationTime"},
		{"expiration over 24h ahead", "POST", grant, f.GrantBody(models.GrantInfrastructure, 24*time.Hour+time.Minute), 400, "INVALID_ATTRIBUTE", "expirationTime"},
		{"sync grant without sync", "POST", f.ClusterPath("analytics:grantMongoDBEmployeeAccess"), f.GrantBody(models.GrantInfrastructureSync, time.Hour), 400, "INVALID_ATTRIBUTE", "grantType"},
		{"group id not 24 hex", "POST", "/api/atlas/v2/groups/not-an-id/clusters/orders-prod:grantMongoDBEmployeeAccess", f.GrantBody(models.GrantInfrastructure, time.Hour), 400, "INVALID_GROUP_ID", "groupId"},
		{"group id upper case", "GET", "/api/atlas/v2/groups/" + strings.ToUpper(f.Prod.ID), "", 400, "INVALID_GROUP_ID", "groupId"},
		{"cluster name breaks pattern", "POST", f.ClusterPath("-orders:grantMongoDBEmployeeAccess"), f.GrantBody(models.GrantInfrastructure, time.Hour), 400, "INVALID_CLUSTER_NAME", "clusterName"},
		{"cluster name with underscore", "GET", f.ClusterPath("orders_prod"), "", 400, "INVALID_CLUSTER_NAME", "clusterName"},
		{"unknown cluster", "POST", f.ClusterPath("nope:grantMongoDBEmployeeAccess"), f.GrantBody(models.GrantInfrastructure, time.Hour), 404, "RESOURCE_NOT_FOUND", ""},
		{"unknown project", "GET", "/api/atlas/v2/groups/" + strings.Repeat("ab", 12), "", 404, "RESOURCE_NOT_FOUND", ""},
		{"unknown action", "POST", f.ClusterPath("orders-prod:dropDatabase"), "", 404, "RESOURCE_NOT_FOUND", ""},
		{"POST on a cluster", "POST", f.ClusterPath("orders-prod"), "", 405, "METHOD_NOT_ALLOWED", ""},
		{"GET on an action", "GET", f.ClusterPath("orders-prod:grantMongoDBEmployeeAccess"), "", 405, "METHOD_NOT_ALLOWED", ""},
		{"wrong method", "DELETE", "/api/atlas/v2/orgs", "", 405, "METHOD_NOT_ALLOWED", ""},
		{"unknown route", "GET", "/api/atlas/v2/teams", "", 404, "RESOURCE_NOT_FOUND", ""},
		{"body over 64 KiB", "POST", grant, `{"grantType":"` + strings.Repeat("A", 70_000) + `"}`, 413, "REQUEST_TOO_LARGE", ""},
		{"settings wrong type", "PATCH", orgSettings, `{"restrictEmployeeAccess":"yes"}`, 400, "INVALID_ATTRIBUTE", "restrictEmployeeAccess"},
		{"settings unknown field", "PATCH", orgSettings, `{"restrictEmployeeAccess":true,"mfa":true}`, 400, "INVALID_ATTRIBUTE", "mfa"},
		{"settings missing field", "PATCH", orgSettings, `{}`, 400, "MISSING_ATTRIBUTE", "restrictEmployeeAccess"},
		{"settings, MFA not a boolean", "PATCH", orgSettings, `{"multiFactorAuthRequired":"yes"}`, 400, "INVALID_ATTRIBUTE", "multiFactorAuthRequired"},
		{"settings asking for an API access list", "PATCH", orgSettings, `{"restrictEmployeeAccess":true,"apiAccessListRequired":true}`, 400, "INVALID_ATTRIBUTE", "apiAccessListRequired"},
		{"settings, generative AI not a boolean", "PATCH", orgSettings, `{"restrictEmployeeAccess":true,"genAIFeaturesEnabled":"yes"}`, 400, "INVALID_ATTRIBUTE", "genAIFeaturesEnabled"},
		{"settings with a security contact", "PATCH", orgSettings, `{"restrictEmployeeAccess":true,"securityContact":"sec@acme.test"}`, 400, "INVALID_ATTRIBUTE", "securityContact"},
		{"settings, only unmanaged ones", "PATCH", orgSettings, `{"apiAccessListRequired":false}`, 400, "MISSING_ATTRIBUTE", "restrictEmployeeAccess"},
		{"org id not 24 hex", "PATCH", "/api/atlas/v2/orgs/acme/settings", `{"restrictEmployeeAccess":true}`, 400, "INVALID_ORG_ID", "orgId"},
		{"itemsPerPage 0", "GET", "/api/atlas/v2/groups?itemsPerPage=0", "", 400, "INVALID_QUERY_PARAMETER", "itemsPerPage"},
		{"itemsPerPage 501", "GET", "/api/atlas/v2/orgs?itemsPerPage=501", "", 400, "INVALID_QUERY_PARAMETER", "itemsPerPage"},
		{"pageNum 0", "GET", events + "?pageNum=0", "", 400, "INVALID_QUERY_PARAMETER", "pageNum"},
		{"includeCount maybe", "GET", events + "?includeCount=maybe", "", 400, "INVALID_QUERY_PARAMETER", "includeCount"},
		{"pretty yes", "GET", "/api/atlas/v2/orgs?pretty=yes", "", 400, "INVALID_QUERY_PARAMETER", "pretty"},
		{"unknown eventType", "GET", events + "?eventType=CLUSTER_DELETED", "", 400, "INVALID_ENUM_VALUE", "eventType"},
		{"bad minDate", "GET", events + "?minDate=yesterday", "", 400, "INVALID_DATE", "minDate"},
		{"bad clusterNames", "GET", events + "?clusterNames=a%20b", "", 400, "INVALID_CLUSTER_NAME", "clusterNames"},
		// A NUL escaped in a JSON string, in a value or a key, of any body
		// (a Terraform apply sends these same bodies).
		{"NUL in a grant's type", "POST", grant, `{"grantType":"CLUSTER_INFRASTRUCTURE\u0000","expirationTime":"` + future + `"}`, 400, "INVALID_INPUT", ""},
		{"NUL in an unknown key", "PATCH", orgSettings, `{"restrictEmployeeAccess":true,"x\u0000":1}`, 400, "INVALID_INPUT", ""},
		{"escape in a settings body", "PATCH", orgSettings, `{"restrictEmployeeAccess":true,"genAIFeaturesEnabled":false,"securityContact":"a\u001bb"}`, 400, "INVALID_INPUT", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := f.TableCounts()
			status, b, _ := f.Call(c, tc.method, tc.path, tc.body)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %s", status, tc.status, b)
			}
			e := handlertest.APIErr(t, tc.status, b)
			if e.ErrorCode != tc.code {
				t.Errorf("errorCode %s, want %s (%s)", e.ErrorCode, tc.code, e.Detail)
			}
			if tc.field != "" && (e.BadRequestDetail == nil || e.BadRequestDetail.Fields[0].Field != tc.field) {
				t.Errorf("badRequestDetail does not name %s: %s", tc.field, b)
			}
			if after := f.TableCounts(); !equalCounts(before, after) {
				t.Errorf("storage changed: %v -> %v", before, after)
			}
		})
	}
}

func equalCounts(a, b map[string]int64) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

// A body over the limit sent without a length (chunked) is refused the same way.
func TestChunkedBodyOverLimit(t *testing.T) {
	f := handlertest.NewAPI(t)
	pub, priv := f.Key(f.Org.ID, models.OrgOwner)
	before := f.TableCounts()
	body := io.MultiReader(strings.NewReader(`{"grantType":"`), strings.NewReader(strings.Repeat("A", 70_000)), strings.NewReader(`"}`))
	req, _ := http.NewRequest(http.MethodPost, f.Srv.URL+f.ClusterPath("orders-prod:grantMongoDBEmployeeAccess"), io.NopCloser(body))
	req.ContentLength = -1
	resp, err := handlertest.DigestClient(pub, priv).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if e := handlertest.APIErr(t, http.StatusRequestEntityTooLarge, b); e.ErrorCode != "REQUEST_TOO_LARGE" {
		t.Fatalf("chunked body over 64 KiB: %d %s", resp.StatusCode, b)
	}
	if !equalCounts(before, f.TableCounts()) {
		t.Fatal("storage changed")
	}
}
