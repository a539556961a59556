package atlasapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

// TestRoleTable: every endpoint for each kind of caller. Project roles are
// held on Production; "other org" is an owner key of another organization,
// which must learn nothing (404, not 403) of Acme's resources.
func TestRoleTable(t *testing.T) {
	f := handlertest.NewAPI(t)
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
	grant := func() string { return f.GrantBody(models.GrantInfrastructure, time.Hour) }
	rows := []struct {
		method, path string
		body         func() string
		want         [6]int // in the order of callers
	}{
		{"GET", "/api/atlas/v2/orgs", nil, [6]int{200, 200, 200, 200, 200, 200}},
		{"GET", org + "/settings", nil, [6]int{200, 200, 200, 200, 200, 404}},
		{"PATCH", org + "/settings", func() string { return `{"restrictEmployeeAccess":true}` }, [6]int{200, 403, 403, 403, 403, 404}},
		{"GET", org + "/events", nil, [6]int{200, 200, 200, 200, 200, 404}},
		{"GET", "/api/atlas/v2/groups", nil, [6]int{200, 200, 200, 200, 200, 200}},
		{"GET", group, nil, [6]int{200, 404, 200, 200, 200, 404}},
		{"GET", group + "/clusters", nil, [6]int{200, 404, 200, 200, 200, 404}},
		{"GET", group + "/clusters/orders-prod", nil, [6]int{200, 404, 200, 200, 200, 404}},
		{"POST", group + "/clusters/orders-prod:grantMongoDBEmployeeAccess", grant, [6]int{204, 404, 204, 204, 403, 404}},
		{"POST", group + "/clusters/orders-prod:revokeMongoDBEmployeeAccess", nil, [6]int{204, 404, 204, 204, 403, 404}},
		{"GET", group + "/events", nil, [6]int{200, 404, 200, 200, 200, 404}},
	}
	for _, r := range rows {
		for i, w := range callers {
			t.Run(r.method+" "+r.path+" as "+w.name, func(t *testing.T) {
				body := ""
				if r.body != nil {
					body = r.body()
				}
				before := f.TableCounts()
				status, b, _ := f.Call(w.c, r.method, r.path, body)
				if status != r.want[i] {
					t.Fatalf("status %d, want %d: %s", status, r.want[i], b)
				}
				if status >= 400 {
					handlertest.APIErr(t, status, b)
					if !equalCounts(before, f.TableCounts()) {
						t.Errorf("a refused request changed storage")
					}
				}
			})
		}
	}
	// Lists show only what the caller may see.
	_, b, _ := f.Call(callers[5].c, "GET", "/api/atlas/v2/groups", "")
	if want := `"totalCount":1`; !contains(b, want) || contains(b, f.Prod.ID) {
		t.Errorf("other org's project list: %s", b)
	}
	_, b, _ = f.Call(callers[1].c, "GET", "/api/atlas/v2/groups", "")
	if !contains(b, `"totalCount":0`) {
		t.Errorf("org member with no project sees projects: %s", b)
	}
}

func contains(b []byte, s string) bool { return strings.Contains(string(b), s) }
