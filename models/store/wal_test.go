package store

import (
	"context"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"supportaccess/models"
)

// TestWALStaysBoundedAndShrinksWhenIdle: under a sustained decision load
// from many goroutines, with a reader paging the log beside it, SQLite's
// write-ahead log stays under 64 MB, and once the load stops it is
// emptied within a few checkpoint rounds rather than kept at its peak.
func TestWALStaysBoundedAndShrinksWhenIdle(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	// Real time, so that the checkpointer's rounds and the load overlap.
	f.s.Now = func() time.Time { return time.Now().UTC() }
	st, _, err := f.s.CreateSupportStaff(ctx, "tse@provider.test", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	wal := f.dsn + "-wal"
	walSize := func() int64 {
		fi, err := os.Stat(wal)
		if os.IsNotExist(err) {
			return 0
		}
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	load := 4 * time.Second
	if testing.Short() {
		load = time.Second
	}
	var peak, decisions atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			q := models.AccessRequest{ProjectID: f.prod.ID, ClusterName: "orders-prod", Scope: string(models.ScopeInfrastructure),
				CaseNumber: "CASE-" + string(rune('A'+w)), Justification: "load"}
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := f.s.DecideAccess(ctx, st, q); err != nil {
					t.Error(err)
					return
				}
				decisions.Add(1)
			}
		})
	}
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			if _, err := f.s.AccessDecisionPage(ctx, f.owner.Principal, models.DecisionFilter{OrgID: f.org.ID}, models.LogCursor{}); err != nil {
				t.Error(err)
				return
			}
			if n := walSize(); n > peak.Load() {
				peak.Store(n)
			}
		}
	})
	time.Sleep(load)
	close(stop)
	wg.Wait()
	t.Logf("%d decisions in %v; the log peaked at %.1f MB", decisions.Load(), load, float64(peak.Load())/(1<<20))
	if peak.Load() >= 64<<20 {
		t.Fatalf("the write-ahead log reached %d bytes, over 64 MB", peak.Load())
	}
	deadline := time.Now().Add(3 * time.Second)
	for walSize() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the write-ahead log is still %d bytes 3 s after the load stopped", walSize())
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Nothing was lost on the way: every decision is in the database.
	var n int64
	if err := f.s.db.Model(&models.AccessDecision{}).Count(&n).Error; err != nil || n != decisions.Load() {
		t.Fatalf("%d decisions recorded, %d answered (%v)", n, decisions.Load(), err)
	}
}

// A bulk load (loadseed --decisions) leaves no write-ahead log behind it:
// nothing else checkpoints while the command runs, and before, the log
// held every row it had written (6.8 GB for ten million).
func TestSeedingDecisionsLeavesTheLogEmpty(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if err := f.s.SeedDecisions(ctx, f.org.ID, 1500, f.clock.Add(-time.Hour), f.clock, nil); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(f.dsn + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() != 0 {
		t.Fatalf("the write-ahead log holds %d bytes after the load", st.Size())
	}
}

// PostgreSQL records a bulk load with COPY and SQLite with multi-row
// INSERTs; both write the same log (the seed is the same but for ids and
// which cluster a random pick names, since the clusters' ids differ), and
// each row names a cluster of the organization with its own project.
func TestSeedingDecisionsWritesTheSameLogOnBothDatabases(t *testing.T) {
	const n = 2345
	logs := map[backend][]models.AccessDecision{}
	for _, b := range backends {
		f := newFixtureOn(t, b)
		ctx := context.Background()
		if err := f.s.SeedDecisions(ctx, f.org.ID, n, f.clock.Add(-48*time.Hour), f.clock, nil); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		var rows []models.AccessDecision
		if err := f.s.db.Where("org_id = ?", f.org.ID).Order("created_at, id").Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		if len(rows) != n {
			t.Fatalf("%s: %d rows recorded, want %d", b, len(rows), n)
		}
		var clusters []models.Cluster
		if err := f.s.db.Find(&clusters).Error; err != nil {
			t.Fatal(err)
		}
		byID := map[string]models.Cluster{}
		for _, c := range clusters {
			byID[c.ID] = c
		}
		for i, d := range rows {
			c, ok := byID[d.ClusterID]
			if !ok || c.Name != d.ClusterName || c.ProjectID != d.ProjectID {
				t.Fatalf("%s: row %d names cluster %s %q in %s, which is not one of the organization's", b, i, d.ClusterID, d.ClusterName, d.ProjectID)
			}
			if !models.ValidID(d.ID) || (d.GrantID != "") != d.Allowed {
				t.Fatalf("%s: row %d: id %q, grant %q, allowed %v", b, i, d.ID, d.GrantID, d.Allowed)
			}
		}
		logs[b] = rows
	}
	for i := range logs[onSQLite] {
		a, p := logs[onSQLite][i], logs[onPostgres][i]
		for _, d := range []*models.AccessDecision{&a, &p} {
			d.ID, d.OrgID, d.ProjectID, d.ClusterID, d.ClusterName, d.GrantID = "", "", "", "", "", ""
		}
		if a != p {
			t.Fatalf("row %d differs:\n SQLite     %+v\n PostgreSQL %+v", i, a, p)
		}
	}
}
