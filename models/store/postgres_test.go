package store

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

// TestMigrateConcurrently starts four "replicas" on one empty database at
// the same moment: every one must succeed, and every step must be applied
// exactly once.
func TestMigrateConcurrently(t *testing.T) {
	for _, b := range backends {
		t.Run(string(b), func(t *testing.T) {
			dsn := testDSN(t, b)
			const n = 4
			stores := make([]*Store, n)
			for i := range stores {
				s, err := Open(dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				stores[i] = s
			}
			errs := runTogether(n, func(i int) error { return stores[i].Migrate(context.Background()) })
			for i, err := range errs {
				if err != nil {
					t.Errorf("replica %d: %v", i, err)
				}
			}
			want := migrations[len(migrations)-1].version
			for i, s := range stores {
				if v, err := s.SchemaVersion(context.Background()); err != nil || v != want {
					t.Errorf("replica %d sees schema version %d (%v), want %d", i, v, err, want)
				}
			}
			var rows int64
			if err := stores[0].db.Raw(`SELECT COUNT(*) FROM schema_migrations`).Scan(&rows).Error; err != nil {
				t.Fatal(err)
			}
			if rows != int64(len(migrations)) {
				t.Fatalf("%d migration rows, want %d", rows, len(migrations))
			}
			// Starting again changes nothing.
			if err := stores[1].Migrate(context.Background()); err != nil {
				t.Fatalf("second migrate: %v", err)
			}
		})
	}
}

// TestSeedConcurrently: replicas that start together on an empty database
// seed the demo organization once, and none of them fails.
func TestSeedConcurrently(t *testing.T) {
	for _, b := range backends {
		t.Run(string(b), func(t *testing.T) {
			dsn := testDSN(t, b)
			const n = 3
			stores := make([]*Store, n)
			for i := range stores {
				stores[i] = openTestStore(t, dsn)
			}
			seeded := make([]bool, n)
			errs := runTogether(n, func(i int) error {
				var err error
				seeded[i], err = stores[i].SeedDemo(context.Background(), "correct horse battery")
				return err
			})
			count := 0
			for i, err := range errs {
				if err != nil {
					t.Errorf("replica %d: %v", i, err)
				}
				if seeded[i] {
					count++
				}
			}
			if count != 1 {
				t.Errorf("%d replicas seeded, want exactly 1", count)
			}
			var orgs, clusters, users int64
			if err := stores[0].db.Model(&models.Organization{}).Count(&orgs).Error; err != nil {
				t.Fatal(err)
			}
			if err := stores[0].db.Model(&models.Cluster{}).Count(&clusters).Error; err != nil {
				t.Fatal(err)
			}
			if err := stores[0].db.Model(&models.User{}).Count(&users).Error; err != nil {
				t.Fatal(err)
			}
			if orgs != 1 || clusters != 3 || users != 1 {
				t.Fatalf("after the seed: %d organizations, %d clusters, %d users; want 1, 3, 1", orgs, clusters, users)
			}
		})
	}
}

// TestDatabaseAllowsOneOpenGrantPerCluster writes grants straight into the
// table, past every Go check: the database itself refuses a second open
// grant on a cluster, and accepts it once the first is closed.
func TestDatabaseAllowsOneOpenGrantPerCluster(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		if got, want := f.s.IsPostgres(), strings.HasSuffix(t.Name(), "/postgres"); got != want {
			t.Fatalf("IsPostgres() = %v on %s", got, t.Name())
		}
		ctx := context.Background()
		v, err := f.s.ClusterByName(ctx, f.owner.Principal, f.prod.ID, "analytics")
		if err != nil {
			t.Fatal(err)
		}
		mk := func() models.Grant {
			return models.Grant{ID: models.NewID(f.clock), ClusterID: v.ID, ProjectID: f.prod.ID, OrgID: f.org.ID, Type: models.GrantInfrastructure,
				ExpiresAt: models.At(f.clock.Add(time.Hour)), CreatedAt: models.At(f.clock), CreatedBy: "test"}
		}
		first, second := mk(), mk()
		if err := f.s.db.Create(&first).Error; err != nil {
			t.Fatal(err)
		}
		err = f.s.db.Create(&second).Error
		if err == nil || !isUniqueViolation(err) {
			t.Fatalf("second open grant on one cluster: err = %v, want a unique violation", err)
		}
		if err := f.s.db.Model(&models.Grant{}).Where("id = ?", first.ID).Update("closed_at", models.At(f.clock)).Error; err != nil {
			t.Fatal(err)
		}
		if err := f.s.db.Create(&second).Error; err != nil {
			t.Fatalf("open grant after the first closed: %v", err)
		}
	})
}

// runTogether runs fn(0..n-1) in n goroutines released at the same moment
// and returns their errors.
func runTogether(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// On PostgreSQL the decision's one statement takes shared locks on the
// organization and on the open grant, so that a block change or a revoke
// waits until the decision is recorded; a grant on another cluster does
// not. Each write here gives up after 300 ms of waiting for a lock.
func TestDecisionStateHoldsOffRevokeAndBlockOnPostgres(t *testing.T) {
	f := newFixtureOn(t, onPostgres)
	ctx := context.Background()
	st, _, err := f.s.CreateSupportStaff(ctx, "tse@provider.test", 0)
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "analytics", Type: models.GrantInfrastructure})
	if err != nil {
		t.Fatal(err)
	}
	other, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "orders-prod", Type: models.GrantInfrastructure})
	if err != nil {
		t.Fatal(err)
	}
	deciding := f.s.db.WithContext(ctx).Begin()
	defer deciding.Rollback()
	var r decisionStateRow
	if err := queryRow(deciding, qDecisionState, f.prod.ID, "analytics", st.TokenHash).Scan(r.targets()...); err != nil {
		t.Fatal(err)
	}
	if r.staff.ID.String != st.ID || r.cluster.Name.String != "analytics" || r.org.ID.String != f.org.ID || r.grant.ID.String != res.Grant.ID {
		t.Fatalf("read %+v", r)
	}
	write := func(stmt string, args ...any) error {
		return f.s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("SET LOCAL lock_timeout = '300ms'").Error; err != nil {
				return err
			}
			return tx.Exec(stmt, args...).Error
		})
	}
	revoke := "UPDATE grants SET closed_at = 1 WHERE id = ?"
	block := "UPDATE organizations SET block_support_access = NOT block_support_access WHERE id = ?"
	if err := write(revoke, res.Grant.ID); err == nil || !strings.Contains(err.Error(), "lock timeout") {
		t.Fatalf("a revoke of the grant the decision read went through: %v", err)
	}
	if err := write(block, f.org.ID); err == nil || !strings.Contains(err.Error(), "lock timeout") {
		t.Fatalf("a block change went through while a decision was being made: %v", err)
	}
	if err := write(revoke, other.Grant.ID); err != nil {
		t.Fatalf("a revoke on another cluster waited for the decision: %v", err)
	}
	if err := deciding.Rollback().Error; err != nil {
		t.Fatal(err)
	}
	if err := write(revoke, res.Grant.ID); err != nil {
		t.Fatalf("the revoke after the decision: %v", err)
	}
	if err := write(block, f.org.ID); err != nil {
		t.Fatalf("the block change after the decision: %v", err)
	}
}
