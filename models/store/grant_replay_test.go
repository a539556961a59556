package store

import (
	"context"
	"sync"
	"testing"
	"time"

	"supportaccess/models"
)

// TestRepeatedRequestKeySaysWhatBecameOfTheGrant: a request key sent again
// after its grant was revoked returns that grant as revoked, with the
// moment, and a view with nothing in force; nothing is written.
func TestRepeatedRequestKeySaysWhatBecameOfTheGrant(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		req := models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "analytics", Type: models.GrantInfrastructure, RequestKey: "k1"}
		first, err := f.s.GrantAccess(ctx, f.owner, req)
		if err != nil {
			t.Fatal(err)
		}
		if first.State != models.GrantInForce || first.Repeated {
			t.Fatalf("new grant: state %s, repeated %v", first.State, first.Repeated)
		}
		f.clock = f.clock.Add(time.Hour)
		revokedAt := f.clock
		if _, _, err := f.s.RevokeAccess(ctx, f.owner, f.prod.ID, "analytics"); err != nil {
			t.Fatal(err)
		}
		f.clock = f.clock.Add(time.Minute)
		events := len(f.events(t))
		again, err := f.s.GrantAccess(ctx, f.owner, req)
		if err != nil {
			t.Fatal(err)
		}
		if !again.Repeated || again.Grant.ID != first.Grant.ID || again.State != models.GrantRevoked || !again.EndedAt.Equal(revokedAt) {
			t.Fatalf("replay: repeated %v, grant %s (first %s), state %s at %v; want the first grant, revoked at %v",
				again.Repeated, again.Grant.ID, first.Grant.ID, again.State, again.EndedAt, revokedAt)
		}
		if again.Cluster.Grant != nil {
			t.Fatalf("replay's view shows a grant in force: %+v", again.Cluster.Grant)
		}
		if n := len(f.events(t)); n != events {
			t.Fatalf("%d events after the replay, want %d", n, events)
		}
	})
}

// TestOneRequestKeyAtOneMomentGrantsOnce: the same request key sent twice
// at the same moment, to one store or to two (replicas), makes one grant
// and one event; both answers are that grant.
func TestOneRequestKeyAtOneMomentGrantsOnce(t *testing.T) {
	for _, replicas := range []bool{false, true} {
		t.Run(map[bool]string{false: "one store", true: "two stores"}[replicas], func(t *testing.T) {
			eachBackend(t, func(t *testing.T, f *fixture) {
				ctx := context.Background()
				stores := [2]*Store{f.s, f.s}
				if replicas {
					stores[1] = f.replica(t)
				}
				req := models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "analytics", Type: models.GrantInfrastructure, RequestKey: "k1"}
				var (
					start sync.WaitGroup
					done  sync.WaitGroup
					res   [2]models.GrantResult
					errs  [2]error
				)
				start.Add(1)
				for i, s := range stores {
					done.Add(1)
					go func() {
						defer done.Done()
						start.Wait()
						res[i], errs[i] = s.GrantAccess(ctx, f.owner, req)
					}()
				}
				start.Done()
				done.Wait()
				for i, err := range errs {
					if err != nil {
						t.Fatalf("request %d: %v", i, err)
					}
				}
				if res[0].Grant.ID == "" || res[0].Grant.ID != res[1].Grant.ID || res[0].Repeated == res[1].Repeated {
					t.Fatalf("answers: %s (repeated %v) and %s (repeated %v); want one grant, made once",
						res[0].Grant.ID, res[0].Repeated, res[1].Grant.ID, res[1].Repeated)
				}
				for i, r := range res {
					if r.State != models.GrantInForce || r.Cluster.Grant == nil || r.Cluster.Grant.ID != r.Grant.ID {
						t.Fatalf("answer %d: state %s, view %+v", i, r.State, r.Cluster.Grant)
					}
				}
				var grants int64
				if err := f.s.db.Model(&models.Grant{}).Count(&grants).Error; err != nil {
					t.Fatal(err)
				}
				if evs := f.events(t, models.EventGranted, models.EventReplaced); grants != 1 || len(evs) != 1 {
					t.Fatalf("%d grants and %d grant events, want 1 and 1", grants, len(evs))
				}
			})
		})
	}
}

// TestGrantRequestKeysArePerOrganization: another organization's form that
// happens to carry the same request key grants on its own cluster; it
// neither collides with this organization's grant nor is told about it.
func TestGrantRequestKeysArePerOrganization(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		mine, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "analytics", Type: models.GrantInfrastructure, RequestKey: "form-1"})
		if err != nil {
			t.Fatal(err)
		}
		other, err := f.s.CreateOrg(ctx, "Globex")
		if err != nil {
			t.Fatal(err)
		}
		pr, err := f.s.CreateProject(ctx, other.ID, "Payments")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.CreateCluster(ctx, pr.ID, "ledger", false); err != nil {
			t.Fatal(err)
		}
		theirs, err := f.s.GrantAccess(ctx, models.Actor{Principal: models.Operator(other.ID)}, models.GrantRequest{ProjectID: pr.ID, ClusterName: "ledger", Type: models.GrantInfrastructure, RequestKey: "form-1"})
		if err != nil {
			t.Fatalf("another organization's form with the same key: %v", err)
		}
		if theirs.Repeated || theirs.Grant.ID == mine.Grant.ID || theirs.Grant.OrgID != other.ID {
			t.Fatalf("another organization's form: repeated %v, grant %+v (mine %s)", theirs.Repeated, theirs.Grant, mine.Grant.ID)
		}
	})
}
