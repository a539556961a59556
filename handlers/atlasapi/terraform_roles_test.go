package atlasapi_test

import (
	"context"
	"net/http"
	"testing"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

// TestTerraformReadsRoleTable: the endpoints Terraform reads, for each
// kind of caller, as TestRoleTable does for the others. An organization's
// resources answer its members; a project's answer whoever may see the
// project (not a member outside it); another organization's owner learns
// nothing (404, never 403).
func TestTerraformReadsRoleTable(t *testing.T) {
	f := handlertest.NewAPI(t)
	ctx := context.Background()
	if _, err := f.Store.SetBlock(ctx, models.Actor{Principal: models.Operator(f.Org.ID)}, f.Org.ID, true); err != nil {
		t.Fatal(err)
	}
	evs, _, err := f.Store.Events(ctx, models.Operator(f.Org.ID), models.EventFilter{OrgID: f.Org.ID})
	if err != nil || len(evs) != 1 {
		t.Fatalf("the block event: %v %v", evs, err)
	}
	type who struct {
		name string
		c    *http.Client
	}
	var callers []who
	for _, r := range []struct {
		name string
		org  string
		role models.Role
	}{
		{"org owner", f.Org.ID, models.OrgOwner},
		{"org member", f.Org.ID, models.OrgMember},
		{"org read only", f.Org.ID, models.OrgReadOnly},
		{"project owner", f.Org.ID, models.ProjectOwner},
		{"support access manager", f.Org.ID, models.ProjectSupportAccessManager},
		{"read only", f.Org.ID, models.ProjectReadOnly},
		{"other org", f.Other.ID, models.OrgOwner},
	} {
		pub, priv := f.Key(r.org, r.role)
		callers = append(callers, who{r.name, handlertest.DigestClient(pub, priv)})
	}
	org := "/api/atlas/v2/orgs/" + f.Org.ID
	group := "/api/atlas/v2/groups/" + f.Prod.ID
	orgWide := [7]int{200, 200, 200, 200, 200, 200, 404}
	inProject := [7]int{200, 404, 200, 200, 200, 200, 404}
	rows := []struct {
		path string
		want [7]int // in the order of callers
	}{
		{org, orgWide},
		{org + "/events/" + evs[0].ID, orgWide},
		{"/api/atlas/v2/groups/byName/Production", inProject},
		{group + "/teams", inProject},
		{group + "/limits", inProject},
		{group + "/settings", inProject},
		{group + "/ipAddresses", inProject},
		{group + "/managedSlowMs", inProject},
		{group + "/users", inProject},
		{group + "/flexClusters", inProject},
		{f.ClusterPath("orders-prod") + "/processArgs", inProject},
	}
	for _, r := range rows {
		for i, w := range callers {
			t.Run(r.path+" as "+w.name, func(t *testing.T) {
				before := f.TableCounts()
				status, b, _ := f.Call(w.c, "GET", r.path, "")
				if status != r.want[i] {
					t.Fatalf("status %d, want %d: %s", status, r.want[i], b)
				}
				if status >= 400 {
					handlertest.APIErr(t, status, b)
					if contains(b, "Acme") || contains(b, "Production") {
						t.Errorf("a refusal names Acme's things: %s", b)
					}
				}
				if !equalCounts(before, f.TableCounts()) {
					t.Errorf("a read changed storage")
				}
			})
		}
	}
	// Another organization's owner finds its own project by name.
	status, b, _ := f.Call(callers[6].c, "GET", "/api/atlas/v2/groups/byName/Payments", "")
	if status != 200 || !contains(b, `"name":"Payments"`) {
		t.Errorf("other org's own project by name: %d %s", status, b)
	}
	// Without credentials: 401, with the Digest challenge.
	status, _, resp := f.Call(http.DefaultClient, "GET", org, "")
	if status != 401 || resp.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("anonymous GET %s: %d", org, status)
	}
}
