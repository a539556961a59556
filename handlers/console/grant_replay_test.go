package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

// TestReplayedGrantFormSaysWhatBecameOfItsGrant: a used grant form sent
// again (Back and resubmit, with or without htmx) after its grant was
// revoked, replaced or ran out says so, grants nothing, and never claims
// access that is not in force.
func TestReplayedGrantFormSaysWhatBecameOfItsGrant(t *testing.T) {
	cases := []struct {
		name  string
		after func(f *handlertest.Fixture)
		want  string
	}{
		{"revoked", func(f *handlertest.Fixture) {
			f.Advance(time.Hour)
			if _, _, err := f.Store.RevokeAccess(context.Background(), f.Actor(handlertest.OwnerEmail), handlertest.IDs.Prod, "analytics"); err != nil {
				f.T.Fatal(err)
			}
		}, "the grant it made on analytics was revoked at "},
		{"replaced", func(f *handlertest.Fixture) {
			f.Advance(time.Hour)
			f.Grant("analytics", models.GrantInfrastructure)
		}, "the grant it made on analytics was replaced at "},
		{"expired", func(f *handlertest.Fixture) {
			f.Advance(models.GrantDuration + time.Minute)
		}, "the grant it made on analytics expired at "},
	}
	for _, tc := range cases {
		for _, htmx := range []bool{true, false} {
			t.Run(tc.name+"/"+map[bool]string{true: "htmx", false: "page"}[htmx], func(t *testing.T) {
				f := handlertest.New(t)
				c := f.Login(handlertest.OwnerEmail)
				grantURL := handlertest.ClusterURL(handlertest.IDs.Prod, "analytics", "/grant")
				key := handlertest.Parse(t, c.HxGet(grantURL)).Find(`input[name="requestKey"]`).AttrOr("value", "")
				if key == "" {
					t.Fatal("the grant form has no request key")
				}
				form := url.Values{"grantType": {string(models.GrantDatabaseLogs)}, "requestKey": {key}}
				c.MustStatus(c.HxPost(grantURL, form), http.StatusOK)
				tc.after(f)
				if tc.name == "expired" {
					c = f.Login(handlertest.OwnerEmail) // the session ended long before the grant
				}
				grants, events, open := f.Count(&models.Grant{}), f.Count(&models.Event{}), f.OpenGrants()

				var toast, row string
				if htmx {
					rec := c.HxPost(grantURL, form)
					c.MustStatus(rec, http.StatusOK)
					doc := handlertest.Parse(t, rec)
					toast = handlertest.Text(doc.Find(`[data-testid="toast"]`))
					row = handlertest.Text(handlertest.Row(doc, "analytics"))
				} else {
					c.MustStatus(c.Post(grantURL, form), http.StatusSeeOther)
					doc := handlertest.Parse(t, c.Get(handlertest.ClustersURL(handlertest.IDs.Prod)))
					toast = handlertest.Text(doc.Find(`[data-testid="toast"]`))
					row = handlertest.Text(handlertest.Row(doc, "analytics"))
				}
				if !strings.Contains(toast, "This form was already used: "+tc.want) || !strings.Contains(toast, "Nothing was granted now.") {
					t.Errorf("replayed form says %q, want it to say %q and that nothing was granted", toast, tc.want)
				}
				if strings.Contains(toast, "Granted") {
					t.Errorf("replayed form claims a grant: %q", toast)
				}
				if tc.name != "replaced" && strings.Contains(row, models.GrantDatabaseLogs.Short()) {
					t.Errorf("row shows the closed grant: %q", row)
				}
				if g, e, o := f.Count(&models.Grant{}), f.Count(&models.Event{}), f.OpenGrants(); g != grants || e != events || o != open {
					t.Errorf("replay changed storage: %d grants, %d events, %d open; before %d, %d, %d", g, e, o, grants, events, open)
				}
			})
		}
	}
}
