package atlasapi_test

import (
	"encoding/json"
	"testing"
	"time"

	"supportaccess/handlers/atlasapi"
	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

// TestExpirationTimeKeepsMilliseconds: an expirationTime written with a
// fraction of a second reads back as written, on the cluster and on the
// grant's event, so that a client comparing what it wrote with what it
// reads (Terraform's plan) sees no difference. A finer fraction than
// milliseconds keeps its milliseconds; the rules on the time still hold.
func TestExpirationTimeKeepsMilliseconds(t *testing.T) {
	f := handlertest.NewAPI(t)
	pub, priv := f.Key(f.Org.ID, models.OrgOwner)
	c := handlertest.DigestClient(pub, priv)
	base := f.Store.Now().UTC().Truncate(time.Second).Add(2 * time.Hour)
	cases := []struct{ written, read string }{
		{base.Add(123 * time.Millisecond).Format("2006-01-02T15:04:05.000Z"), ""},
		{base.Add(500 * time.Millisecond).Format("2006-01-02T15:04:05.0Z"), ""},
		{base.Format("2006-01-02T15:04:05Z"), ""},
		{base.Add(7 * time.Millisecond).Format("2006-01-02T15:04:05.000+00:00"), base.Add(7 * time.Millisecond).Format("2006-01-02T15:04:05.000Z")},
		{base.Add(123456789).Format(time.RFC3339Nano), base.Add(123 * time.Millisecond).Format("2006-01-02T15:04:05.000Z")},
	}
	for _, tc := range cases {
		want := tc.read
		if want == "" {
			want = tc.written
		}
		t.Run(tc.written, func(t *testing.T) {
			body := `{"grantType":"CLUSTER_INFRASTRUCTURE","expirationTime":"` + tc.written + `"}`
			if status, b, _ := f.Call(c, "POST", f.ClusterPath("orders-prod:grantMongoDBEmployeeAccess"), body); status != 204 {
				t.Fatalf("grant: %d %s", status, b)
			}
			_, b, _ := f.Call(c, "GET", f.ClusterPath("orders-prod"), "")
			var cl atlasapi.APICluster
			if err := json.Unmarshal(b, &cl); err != nil || cl.Grant == nil {
				t.Fatalf("cluster: %v %s", err, b)
			}
			if cl.Grant.ExpirationTime != want {
				t.Errorf("cluster's expirationTime %q, want %q", cl.Grant.ExpirationTime, want)
			}
			_, b, _ = f.Call(c, "GET", "/api/atlas/v2/groups/"+f.Prod.ID+"/events?itemsPerPage=1", "")
			var page struct {
				Results []atlasapi.APIEvent `json:"results"`
			}
			if err := json.Unmarshal(b, &page); err != nil || len(page.Results) != 1 {
				t.Fatalf("events: %v %s", err, b)
			}
			if got := page.Results[0].ExpirationTime; got != want {
				t.Errorf("event's expirationTime %q, want %q", got, want)
			}
		})
	}
	now := f.Store.Now().UTC()
	for _, bad := range []time.Time{now.Add(-time.Second + 250*time.Millisecond), now.Add(24*time.Hour + time.Second + 250*time.Millisecond)} {
		body := `{"grantType":"CLUSTER_INFRASTRUCTURE","expirationTime":"` + bad.Format("2006-01-02T15:04:05.000Z") + `"}`
		status, b, _ := f.Call(c, "POST", f.ClusterPath("analytics:grantMongoDBEmployeeAccess"), body)
		if status != 400 || handlertest.APIErr(t, 400, b).BadRequestDetail == nil || handlertest.APIErr(t, 400, b).BadRequestDetail.Fields[0].Field != "expirationTime" {
			t.Errorf("expiration %s: %d %s, want 400 naming expirationTime", bad, status, b)
		}
	}
}

// TestAPITimeShowsMillisecondsOnlyWhenThereAreAny keeps whole-second
// times as they always were.
func TestAPITimeShowsMillisecondsOnlyWhenThereAreAny(t *testing.T) {
	at := time.Date(2026, 11, 28, 11, 23, 0, 0, time.UTC)
	for in, want := range map[time.Time]string{
		at:                                 "2026-11-28T11:23:00Z",
		at.Add(120 * time.Millisecond):     "2026-11-28T11:23:00.12Z",
		at.Add(999999999):                  "2026-11-28T11:23:00.999Z",
		at.In(time.FixedZone("CET", 3600)): "2026-11-28T11:23:00Z",
	} {
		if got := atlasapi.APITime(in); got != want {
			t.Errorf("atlasapi.APITime(%v) = %q, want %q", in, got, want)
		}
	}
}
