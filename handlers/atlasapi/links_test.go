package atlasapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

// TestEveryLinkResolves follows every link of every list answer, and of
// every answer a link leads to, as the caller who was given it: each must
// answer 200. Pages of one item make the lists write their next and
// previous links too.
func TestEveryLinkResolves(t *testing.T) {
	f := handlertest.NewAPI(t)
	ownerPub, ownerPriv := f.Key(f.Org.ID, models.OrgOwner)
	owner := handlertest.DigestClient(ownerPub, ownerPriv)
	// Events of both kinds: a grant (a project's) and the block (the organization's).
	status, b, _ := f.Call(owner, "POST", f.ClusterPath("orders-prod:grantMongoDBEmployeeAccess"), f.GrantBody(models.GrantInfrastructure, time.Hour))
	if status != 204 {
		t.Fatalf("grant: %d %s", status, b)
	}
	if status, b, _ = f.Call(owner, "PATCH", "/api/atlas/v2/orgs/"+f.Org.ID+"/settings", `{"restrictEmployeeAccess":true}`); status != 200 {
		t.Fatalf("block: %d %s", status, b)
	}
	readerPub, readerPriv := f.Key(f.Org.ID, models.ProjectReadOnly)
	org, group := "/api/atlas/v2/orgs/"+f.Org.ID, "/api/atlas/v2/groups/"+f.Prod.ID
	lists := []string{"/api/atlas/v2/orgs", "/api/atlas/v2/groups", group + "/clusters", group + "/events", org + "/events",
		group + "/teams", group + "/users", group + "/flexClusters"}
	for _, who := range []struct {
		name string
		c    *http.Client
	}{{"org owner", owner}, {"project read only", handlertest.DigestClient(readerPub, readerPriv)}} {
		t.Run(who.name, func(t *testing.T) {
			var queue []string
			for _, l := range lists {
				queue = append(queue, f.Srv.URL+l, f.Srv.URL+l+"?itemsPerPage=1", f.Srv.URL+l+"?itemsPerPage=1&pageNum=2")
			}
			seen := map[string]bool{}
			followed := 0
			for len(queue) > 0 {
				href := queue[0]
				queue = queue[1:]
				if seen[href] {
					continue
				}
				seen[href] = true
				if !strings.HasPrefix(href, f.Srv.URL+"/api/atlas/v2/") {
					t.Errorf("link %q leads away from the API", href)
					continue
				}
				status, b, _ := f.Call(who.c, "GET", strings.TrimPrefix(href, f.Srv.URL), "", "Accept", "application/json")
				if status != 200 {
					t.Errorf("GET %s: %d %s", href, status, b)
					continue
				}
				followed++
				var body any
				if err := json.Unmarshal(b, &body); err != nil {
					t.Fatalf("GET %s: not JSON: %s", href, b)
				}
				queue = append(queue, linksIn(body)...)
			}
			// Each list's three pages, the organization, two projects and
			// their self pages, clusters, events: far more than the lists.
			if followed < 3*len(lists)+10 {
				t.Errorf("followed only %d links: %v", followed, seen)
			}
		})
	}
}

// linksIn returns every href of every links array in a decoded answer.
func linksIn(v any) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if l, ok := e.([]any); ok && k == "links" {
				for _, item := range l {
					if m, ok := item.(map[string]any); ok {
						if href, ok := m["href"].(string); ok {
							out = append(out, href)
						}
					}
				}
				continue
			}
			out = append(out, linksIn(e)...)
		}
	case []any:
		for _, e := range x {
			out = append(out, linksIn(e)...)
		}
	}
	return out
}
