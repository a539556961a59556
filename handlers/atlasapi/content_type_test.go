package atlasapi_test

import (
	"net/http"
	"testing"
	"time"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

func TestAdminAPIBodiesMustBeJSON(t *testing.T) {
	f := handlertest.NewAPI(t)
	pub, priv := f.Key(f.Org.ID, models.OrgOwner)
	c := handlertest.DigestClient(pub, priv)
	grant := f.ClusterPath("orders-prod:grantMongoDBEmployeeAccess")
	body := f.GrantBody(models.GrantInfrastructure, time.Hour)
	before := f.TableCounts()
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonp", "not a media type"} {
		status, b, _ := f.Call(c, http.MethodPost, grant, body, "Content-Type", ct)
		if e := handlertest.APIErr(t, status, b); status != http.StatusUnsupportedMediaType || e.ErrorCode != "UNSUPPORTED_MEDIA_TYPE" {
			t.Errorf("Content-Type %q: %d %s, want 415 UNSUPPORTED_MEDIA_TYPE", ct, status, b)
		}
	}
	if after := f.TableCounts(); len(after) != len(before) {
		t.Fatalf("tables changed: %v, then %v", before, after)
	} else {
		for k, v := range before {
			if after[k] != v {
				t.Fatalf("%s went from %d to %d rows on refused bodies", k, v, after[k])
			}
		}
	}
	for _, ct := range []string{"application/json", "application/json; charset=utf-8", "application/vnd.atlas.2024-08-05+json"} {
		revoke := f.ClusterPath("orders-prod:revokeMongoDBEmployeeAccess")
		if status, b, _ := f.Call(c, http.MethodPost, grant, body, "Content-Type", ct); status != http.StatusNoContent {
			t.Fatalf("Content-Type %q: %d %s, want 204", ct, status, b)
		}
		if status, b, _ := f.Call(c, http.MethodPost, revoke, ""); status != http.StatusNoContent {
			t.Fatalf("revoke: %d %s", status, b)
		}
	}
}
