package store

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"supportaccess/models"
)

// TestConcurrentGrantsAndRevokes: 50 goroutines on two stores (two
// replicas' connection pools) grant, replace and revoke on one cluster.
// Never two open grants, exactly one event per change that succeeded, and
// no error but a reported conflict.
func TestConcurrentGrantsAndRevokes(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		stores := []*Store{f.s, f.replica(t)}
		var granted, replaced, extended, revoked, conflicts atomic.Int64
		var mu sync.Mutex
		var failures []string
		fail := func(format string, args ...any) {
			mu.Lock()
			defer mu.Unlock()
			failures = append(failures, fmt.Sprintf(format, args...))
		}
		stop := make(chan struct{})
		watched := make(chan struct{})
		go func() { // the rule holds at every moment, not only at the end
			defer close(watched)
			for {
				select {
				case <-stop:
					return
				default:
				}
				var open int64
				if err := f.s.db.Model(&models.Grant{}).Where("closed_at = 0").Count(&open).Error; err != nil {
					fail("count open grants: %v", err)
					return
				}
				if open > 1 {
					fail("%d open grants on one cluster", open)
				}
				time.Sleep(2 * time.Millisecond)
			}
		}()
		types := []models.GrantType{models.GrantInfrastructure, models.GrantDatabaseLogs, models.GrantInfrastructureSync}
		errs := runTogether(50, func(i int) error {
			s := stores[i%2]
			for op := 0; op < 4; op++ {
				if (i+op)%3 == 2 {
					ok, _, err := s.RevokeAccess(ctx, f.owner, f.prod.ID, "orders-prod")
					switch {
					case models.ErrorCode(err) == models.ECONFLICT:
						conflicts.Add(1)
					case err != nil:
						return err
					case ok:
						revoked.Add(1)
					}
					continue
				}
				res, err := s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "orders-prod",
					Type: types[(i+op)%3], RequestKey: fmt.Sprintf("k-%d-%d", i, op)})
				switch {
				case models.ErrorCode(err) == models.ECONFLICT:
					conflicts.Add(1)
				case err != nil:
					return err
				case res.Replaced != nil:
					replaced.Add(1)
				case res.Extended:
					extended.Add(1)
				default:
					granted.Add(1)
				}
			}
			return nil
		})
		close(stop)
		<-watched
		for i, err := range errs {
			if err != nil {
				t.Errorf("goroutine %d: %v", i, err)
			}
		}
		for _, msg := range failures {
			t.Error(msg)
		}
		t.Logf("granted %d, replaced %d, extended %d, revoked %d, conflicts %d", granted.Load(), replaced.Load(), extended.Load(), revoked.Load(), conflicts.Load())
		if granted.Load()+replaced.Load() == 0 || revoked.Load() == 0 {
			t.Fatalf("the load did not exercise grants and revokes")
		}
		if c := conflicts.Load(); c > 10 {
			t.Errorf("%d of 200 changes gave up after retries", c)
		}
		kinds := map[models.EventType]int64{}
		for _, e := range f.events(t) {
			kinds[e.Type]++
		}
		want := map[models.EventType]int64{models.EventGranted: granted.Load(), models.EventReplaced: replaced.Load(),
			models.EventExtended: extended.Load(), models.EventRevoked: revoked.Load()}
		for k, n := range want {
			if kinds[k] != n {
				t.Errorf("%d %s events, want one per change: %d", kinds[k], k, n)
			}
		}
		reasons := map[string]int64{}
		var rows []models.Grant
		if err := f.s.db.Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		for _, g := range rows {
			reasons[g.CloseReason]++
		}
		if int64(len(rows)) != granted.Load()+replaced.Load() {
			t.Errorf("%d grant rows, want %d", len(rows), granted.Load()+replaced.Load())
		}
		if reasons["REPLACED"] != replaced.Load() || reasons["REVOKED"] != revoked.Load() || reasons[""] > 1 {
			t.Errorf("grants by close reason %v; want REPLACED %d, REVOKED %d, at most one open", reasons, replaced.Load(), revoked.Load())
		}
	})
}

// TestSweepersRecordEachExpiryOnce: several replicas sweep the same
// expired grants at once, while owners grant on some of those clusters
// (which records the expiry too). Each grant gets exactly one "expired"
// event.
func TestSweepersRecordEachExpiryOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		const clusters = 24
		names := make([]string, clusters)
		for i := range names {
			names[i] = fmt.Sprintf("c-%02d", i)
			if _, err := f.s.CreateCluster(ctx, f.prod.ID, names[i], false); err != nil {
				t.Fatal(err)
			}
		}
		stores := []*Store{f.s, f.replica(t), f.replica(t)}
		var ids []string
		grantAll := func() {
			for _, n := range names {
				res, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: n,
					Type: models.GrantInfrastructure, ExpiresAt: f.clock.Add(time.Minute)})
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, res.Grant.ID)
			}
		}

		// Round one: sweepers alone. Their counts add up to the grants.
		grantAll()
		f.clock = f.clock.Add(time.Minute)
		var swept atomic.Int64
		errs := runTogether(6, func(i int) error {
			for r := 0; r < 3; r++ {
				n, err := stores[i%len(stores)].SweepExpired(ctx)
				if err != nil {
					return err
				}
				swept.Add(int64(n))
			}
			return nil
		})
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if swept.Load() != clusters {
			t.Errorf("sweepers recorded %d expiries, want %d", swept.Load(), clusters)
		}

		// Round two: sweepers race owners who grant on the expired clusters.
		grantAll()
		f.clock = f.clock.Add(time.Minute)
		errs = runTogether(6+clusters/2, func(i int) error {
			if i < 6 {
				_, err := stores[i%len(stores)].SweepExpired(ctx)
				return err
			}
			_, err := stores[i%len(stores)].GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID,
				ClusterName: names[i-6], Type: models.GrantDatabaseLogs})
			return err
		})
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.s.SweepExpired(ctx); err != nil {
			t.Fatal(err)
		}
		perGrant := map[string]int{}
		for _, e := range f.events(t, models.EventExpired) {
			perGrant[e.GrantID]++
		}
		for _, id := range ids {
			if perGrant[id] != 1 {
				t.Errorf("grant %s has %d expired events, want 1", id, perGrant[id])
			}
		}
		if len(perGrant) != len(ids) {
			t.Errorf("expired events name %d grants, want %d", len(perGrant), len(ids))
		}
	})
}
