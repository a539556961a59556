package atlasapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"supportaccess/handlers/atlasapi"
	"supportaccess/handlers/httpx"
	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
	"supportaccess/models/store/storetest"
)

func TestMediaTypesPrettyEnvelopeAndPages(t *testing.T) {
	f := handlertest.NewAPI(t)
	pub, priv := f.Key(f.Org.ID, models.OrgOwner)
	c := handlertest.DigestClient(pub, priv)
	cases := []struct {
		path, accept string
		status       int
		contentType  string
	}{
		{"/api/atlas/v2/orgs", "application/vnd.atlas.2023-01-01+json", 200, "application/vnd.atlas.2023-01-01+json"},
		{"/api/atlas/v2/orgs", "application/json", 200, "application/vnd.atlas.2023-01-01+json"},
		{"/api/atlas/v2/orgs", "*/*", 200, "application/vnd.atlas.2023-01-01+json"},
		{"/api/atlas/v2/orgs", "application/vnd.atlas.2024-08-05+json", 406, "application/json"},
		{f.ClusterPath("orders-prod"), "application/vnd.atlas.2024-08-05+json", 200, "application/vnd.atlas.2024-08-05+json"},
		{f.ClusterPath("orders-prod"), "application/vnd.atlas.2023-02-01+json", 406, "application/json"},
		{f.ClusterPath("orders-prod"), "application/json;q=0, text/html", 406, "application/json"},
	}
	for _, tc := range cases {
		status, b, resp := f.Call(c, "GET", tc.path, "", "Accept", tc.accept)
		if status != tc.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.contentType) {
			t.Errorf("%s with %q: %d %q, want %d %q", tc.path, tc.accept, status, resp.Header.Get("Content-Type"), tc.status, tc.contentType)
		}
		if status == 406 && handlertest.APIErr(t, 406, b).ErrorCode != "INVALID_VERSION" {
			t.Errorf("406 body: %s", b)
		}
	}

	_, b, _ := f.Call(c, "GET", "/api/atlas/v2/orgs?pretty=true", "")
	if !strings.Contains(string(b), "\n  \"links\"") {
		t.Errorf("pretty=true is not indented: %s", b)
	}
	status, b, _ := f.Call(c, "GET", "/api/atlas/v2/groups/"+strings.Repeat("ab", 12)+"?envelope=true", "")
	var env struct {
		Status  int            `json:"status"`
		Content httpx.APIError `json:"content"`
	}
	if err := json.Unmarshal(b, &env); err != nil || status != 200 || env.Status != 404 || env.Content.ErrorCode != "RESOURCE_NOT_FOUND" {
		t.Errorf("envelope=true on a 404: %d %s", status, b)
	}

	var page struct {
		Links      []atlasapi.APILink    `json:"links"`
		Results    []atlasapi.APICluster `json:"results"`
		TotalCount *int64                `json:"totalCount"`
	}
	_, b, _ = f.Call(c, "GET", "/api/atlas/v2/groups/"+f.Prod.ID+"/clusters?itemsPerPage=1&pageNum=2", "")
	if err := json.Unmarshal(b, &page); err != nil || len(page.Results) != 1 || page.TotalCount == nil || *page.TotalCount != 2 {
		t.Fatalf("page 2 of 1: %s", b)
	}
	rels := map[string]string{}
	for _, l := range page.Links {
		rels[l.Rel] = l.Href
	}
	if !strings.Contains(rels["self"], "pageNum=2") || !strings.Contains(rels["previous"], "pageNum=1") || rels["next"] != "" {
		t.Errorf("links of the last page: %v", rels)
	}
	_, b, _ = f.Call(c, "GET", "/api/atlas/v2/groups/"+f.Prod.ID+"/clusters?itemsPerPage=1&includeCount=false", "")
	if strings.Contains(string(b), "totalCount") || !strings.Contains(string(b), `"rel":"next"`) {
		t.Errorf("includeCount=false / next link: %s", b)
	}
}

func TestSettingsPatchByOwnerWritesEvent(t *testing.T) {
	f := handlertest.NewAPI(t)
	pub, priv := f.Key(f.Org.ID, models.OrgOwner)
	c := handlertest.DigestClient(pub, priv)
	path := "/api/atlas/v2/orgs/" + f.Org.ID + "/settings"
	status, b, _ := f.Call(c, "PATCH", path, `{"restrictEmployeeAccess":true}`)
	if status != 200 || !strings.Contains(string(b), `"restrictEmployeeAccess":true`) {
		t.Fatalf("patch: %d %s", status, b)
	}
	_, b, _ = f.Call(c, "GET", path, "")
	if !strings.Contains(string(b), `"restrictEmployeeAccess":true`) {
		t.Fatalf("get after patch: %s", b)
	}
	_, b, _ = f.Call(c, "GET", "/api/atlas/v2/orgs/"+f.Org.ID+"/events?eventType=SUPPORT_ACCESS_BLOCKED", "")
	if !strings.Contains(string(b), `"publicKey":"`+pub+`"`) || !strings.Contains(string(b), `"totalCount":1`) {
		t.Fatalf("block event naming the key: %s", b)
	}
}

// TestSettingsPatchAsTerraformSendsIt: Terraform's organization resource
// reads all five Atlas settings and sends all five back on a change; the
// four this console does not manage are shown and accepted with the
// values that hold here, and the block changes.
func TestSettingsPatchAsTerraformSendsIt(t *testing.T) {
	f := handlertest.NewAPI(t)
	pub, priv := f.Key(f.Org.ID, models.OrgOwner)
	c := handlertest.DigestClient(pub, priv)
	path := "/api/atlas/v2/orgs/" + f.Org.ID + "/settings"
	want := func(block bool) string {
		return fmt.Sprintf(`{"apiAccessListRequired":false,"multiFactorAuthRequired":false,"restrictEmployeeAccess":%v,"genAIFeaturesEnabled":false,"securityContact":""}`, block)
	}
	if status, b, _ := f.Call(c, "GET", path, ""); status != 200 || strings.TrimSpace(string(b)) != want(false) {
		t.Fatalf("get: %d %s", status, b)
	}
	status, b, _ := f.Call(c, "PATCH", path, want(true))
	if status != 200 || strings.TrimSpace(string(b)) != want(true) {
		t.Fatalf("patch: %d %s", status, b)
	}
	var org models.Organization
	if err := storetest.DB(f.Store).WithContext(context.Background()).First(&org, "id = ?", f.Org.ID).Error; err != nil || !org.BlockSupportAccess {
		t.Fatalf("block after patch: %v %v", org.BlockSupportAccess, err)
	}
}
