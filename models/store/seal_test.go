package store

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
	"supportaccess/models/seal"
)

// sealedRecord writes a grant and its events and five decisions a minute
// apart, seals them, and returns the decisions.
func sealedRecord(t *testing.T, f *fixture, key ed25519.PrivateKey) []models.AccessDecision {
	t.Helper()
	ctx := context.Background()
	st, _, err := f.s.CreateSupportStaff(ctx, fmt.Sprintf("tse%d@provider.test", f.clock.Unix()), 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "analytics", Type: models.GrantDatabaseLogs}); err != nil {
		t.Fatal(err)
	}
	var out []models.AccessDecision
	for i := range 5 {
		f.clock = f.clock.Add(time.Minute)
		d, err := f.s.DecideAccess(ctx, st, models.AccessRequest{ProjectID: f.prod.ID, ClusterName: "analytics",
			Scope: string(models.ScopeDatabaseLogs), CaseNumber: "0100" + string(rune('0'+i)), Justification: "slow queries", Via: models.ViaAPI})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, d)
	}
	f.sealAll(t, f.s, key)
	return out
}

// sealAll seals with s until every row is sealed and the floor is the clock less
// the grace. On PostgreSQL a round seals only what committed before every
// transaction still open on the server, and holds the floor back for
// them; the tests of other packages share the server.
func (f *fixture) sealAll(t *testing.T, s *Store, key ed25519.PrivateKey) {
	t.Helper()
	ctx := context.Background()
	floor := int64(models.At(f.clock.Add(-sealGrace)))
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := s.SealRecord(ctx, key); err != nil {
			t.Fatal(err)
		}
		var c sealCursor
		if err := queryRow(f.s.db, qSealCursor).Scan(c.targets()...); err != nil {
			t.Fatal(err)
		}
		if c.Floor >= floor && f.verify(t, seal.Options{}).Unsealed == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not all sealed: floor %d, want %d", c.Floor, floor)
		}
	}
}

func (f *fixture) verify(t *testing.T, o seal.Options) RecordCheck {
	t.Helper()
	c, err := f.s.VerifyRecord(context.Background(), models.Operator(f.org.ID), f.org.ID, o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fixture) exec(t *testing.T, sql string, args ...any) {
	t.Helper()
	if err := f.s.db.Exec(sql, args...).Error; err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// TestVerifyFindsTamperingInTheDatabase changes, deletes, inserts and
// reorders sealed rows straight in the database: verify names each.
func TestVerifyFindsTamperingInTheDatabase(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tamper func(t *testing.T, f *fixture, ds []models.AccessDecision) string // the row to name
		want   seal.Problem
	}{
		{"changed", func(t *testing.T, f *fixture, ds []models.AccessDecision) string {
			f.exec(t, `UPDATE access_decisions SET justification = 'routine' WHERE id = ?`, ds[2].ID)
			return ds[2].ID
		}, seal.Changed},
		{"deleted", func(t *testing.T, f *fixture, ds []models.AccessDecision) string {
			f.exec(t, `DELETE FROM access_decisions WHERE id = ?`, ds[1].ID)
			return ds[1].ID
		}, seal.Missing},
		{"inserted into the sealed past", func(t *testing.T, f *fixture, ds []models.AccessDecision) string {
			id := models.NewID(f.clock)
			mark := "rowid"
			if f.s.IsPostgres() {
				mark = "seal_xid"
			}
			f.exec(t, `INSERT INTO events (`+mark+`, id, org_id, type, actor_kind, actor_name, created_at) VALUES (-1, ?, ?, 'GRANT_REVOKED', 'USER', 'ann', ?)`,
				id, f.org.ID, int64(ds[2].CreatedAt)+1)
			return id
		}, seal.Inserted},
		{"reordered", func(t *testing.T, f *fixture, ds []models.AccessDecision) string {
			f.exec(t, `UPDATE access_decisions SET id = 'swap' WHERE id = ?`, ds[3].ID)
			f.exec(t, `UPDATE access_decisions SET id = ? WHERE id = ?`, ds[3].ID, ds[4].ID)
			f.exec(t, `UPDATE access_decisions SET id = ? WHERE id = 'swap'`, ds[4].ID)
			return ds[3].ID
		}, seal.Reordered},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eachBackend(t, func(t *testing.T, f *fixture) {
				ds := sealedRecord(t, f, nil)
				if c := f.verify(t, seal.Options{}); !c.Intact() || c.Rows == 0 || c.Unsealed != 0 || c.Through != int64(ds[4].CreatedAt) {
					t.Fatalf("before tampering: %+v %+v", c, c.Finding)
				}
				id := tc.tamper(t, f, ds)
				c := f.verify(t, seal.Options{})
				if c.Intact() || c.Finding.Problem != tc.want || c.Finding.ID != id {
					t.Fatalf("found %+v, want %s of %s", c.Finding, tc.want, id)
				}
			})
		})
	}
}

// A row added later but dated into the sealed past shows as inserted,
// before the sealer's next round and after it.
func TestVerifyFindsABackdatedRow(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ds := sealedRecord(t, f, nil)
		f.exec(t, `INSERT INTO access_decisions (id, org_id, project_id, cluster_id, cluster_name, staff_id, staff_email, scope, allowed, reason_code, reason, blocked, created_at)
			SELECT ?, org_id, project_id, cluster_id, cluster_name, staff_id, staff_email, scope, allowed, reason_code, reason, blocked, ? FROM access_decisions WHERE id = ?`,
			models.NewID(f.clock), int64(ds[0].CreatedAt)-int64(time.Hour), ds[0].ID)
		if c := f.verify(t, seal.Options{}); c.Intact() || c.Finding.Problem != seal.Inserted || c.Unsealed != 1 {
			t.Fatalf("before the next round: %+v %+v", c, c.Finding)
		}
		f.sealAll(t, f.s, nil)
		if c := f.verify(t, seal.Options{}); c.Intact() || c.Finding.Problem != seal.Inserted || c.Unsealed != 0 {
			t.Fatalf("after it: %+v %+v", c, c.Finding)
		}
	})
}

func TestSealsAreSignedWithTheKey(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, 32))
		sealedRecord(t, f, key)
		if c := f.verify(t, seal.Options{Trusted: []ed25519.PublicKey{key.Public().(ed25519.PublicKey)}}); !c.Intact() || c.SignedFrom != 1 {
			t.Fatalf("%+v %+v", c, c.Finding)
		}
		other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{2}, 32))
		if c := f.verify(t, seal.Options{Trusted: []ed25519.PublicKey{other.Public().(ed25519.PublicKey)}}); c.Intact() || c.Finding.Problem != seal.Broken {
			t.Fatalf("a seal by an untrusted key passed: %+v", c)
		}
	})
}

// A round that fails midway leaves nothing: the next seals the same rows.
func TestACrashWhileSealingLeavesTheRecordWhole(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		crash := errors.New("power cut")
		sealFault = func(string) error { return crash }
		t.Cleanup(func() { sealFault = nil })
		ctx := context.Background()
		st, _, err := f.s.CreateSupportStaff(ctx, "tse@provider.test", 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.DecideAccess(ctx, st, models.AccessRequest{ProjectID: f.prod.ID, ClusterName: "analytics", Scope: string(models.ScopeDatabaseLogs), CaseNumber: "1", Via: models.ViaAPI}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.SealRecord(ctx, nil); !errors.Is(err, crash) {
			t.Fatalf("the round did not fail: %v", err)
		}
		if c := f.verify(t, seal.Options{}); !c.Intact() || c.Batches != 0 || c.Unsealed == 0 {
			t.Fatalf("after the crash: %+v %+v", c, c.Finding)
		}
		sealFault = nil
		restarted := f.replica(t)
		f.sealAll(t, restarted, nil)
		if c := f.verify(t, seal.Options{}); !c.Intact() || c.Batches != 1 || c.Unsealed != 0 {
			t.Fatalf("after the restart: %+v %+v", c, c.Finding)
		}
	})
}

// Two replicas deciding and sealing at once leave one record that verifies.
func TestTwoReplicasSealingAtOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		st, _, err := f.s.CreateSupportStaff(ctx, "tse@provider.test", 0)
		if err != nil {
			t.Fatal(err)
		}
		stores := []*Store{f.s, f.replica(t)}
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for _, s := range stores {
			wg.Go(func() {
				for i := range 60 {
					if _, err := s.DecideAccess(ctx, st, models.AccessRequest{ProjectID: f.prod.ID, ClusterName: "analytics",
						Scope: string(models.ScopeDatabaseLogs), CaseNumber: "1", Via: models.ViaAPI}); err != nil {
						errs <- err
						return
					}
					if i%5 == 0 {
						if _, err := s.SealRecord(ctx, nil); err != nil {
							errs <- err
							return
						}
					}
				}
			})
			wg.Go(func() {
				for range 20 {
					if _, err := s.SealRecord(ctx, nil); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		f.sealAll(t, stores[1], nil)
		var decisions int64
		if err := f.s.db.Raw(`SELECT COUNT(*) FROM access_decisions WHERE org_id = ?`, f.org.ID).Scan(&decisions).Error; err != nil {
			t.Fatal(err)
		}
		c := f.verify(t, seal.Options{})
		if !c.Intact() || c.Unsealed != 0 || decisions != 120 || c.Rows < decisions {
			t.Fatalf("%+v %+v, %d decisions", c, c.Finding, decisions)
		}
	})
}

// Retention removes the oldest batch through PruneRecord: its seal stays
// as the anchor and the rest verifies from there.
func TestPrunedBatchesLeaveTheirSealAsAnchor(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		ds := sealedRecord(t, f, nil)
		f.clock = f.clock.Add(24 * time.Hour)
		later := sealedRecord(t, f, nil)
		before := f.verify(t, seal.Options{})
		n, err := f.s.PruneRecord(ctx, f.org.ID, ds[4].CreatedAt.Time().Add(time.Hour), 10)
		if err != nil || n < 5 {
			t.Fatalf("removed %d rows, %v", n, err)
		}
		var left int64
		if err := f.s.db.Raw(`SELECT COUNT(*) FROM access_decisions WHERE id = ?`, ds[0].ID).Scan(&left).Error; err != nil || left != 0 {
			t.Fatalf("the oldest decision is still there: %d %v", left, err)
		}
		c := f.verify(t, seal.Options{})
		if !c.Intact() || c.From != int64(ds[4].CreatedAt) || c.Through != int64(later[4].CreatedAt) || c.Rows != before.Rows-n {
			t.Fatalf("after pruning: %+v %+v (before: %+v)", c, c.Finding, before)
		}
		// New rows after the removal are sealed and verify too.
		f.clock = f.clock.Add(time.Hour)
		sealedRecord(t, f, nil)
		if c := f.verify(t, seal.Options{}); !c.Intact() || c.Unsealed != 0 {
			t.Fatalf("after new rows: %+v %+v", c, c.Finding)
		}
	})
}

// sealScanCases are the sealer's statements for scan_test.go, those of
// the fixture's database, on a sealed record.
func sealScanCases(t *testing.T, f *fixture) []struct {
	name    string
	q       query
	args    []any
	row     any
	targets []any
	unnamed []int
} {
	t.Helper()
	var (
		c sealCursor
		e struct {
			Mark int64
			Row  models.Event
		}
		d struct {
			Mark int64
			Row  models.AccessDecision
		}
		sr sealRow
	)
	et, dt := append([]any{&e.Mark}, eventTargets(&e.Row)...), append([]any{&d.Mark}, decisionTargets(&d.Row)...)
	cases := []struct {
		name    string
		q       query
		args    []any
		row     any
		targets []any
		unnamed []int
	}{
		{"qSealCursor", qSealCursor, nil, &c, c.targets(), nil},
		// The mark is the rowid or seal_xid.
		{"qSealEventsSQLite", qSealEventsSQLite, []any{0, 10}, &e, et, []int{0}},
		{"qSealDecisionsSQL", qSealDecisionsSQL, []any{0, 10}, &d, dt, []int{0}},
		{"qSealEventsPG", qSealEventsPG, []any{0, "", 10}, &e, et, []int{0}},
		{"qSealDecisionsPG", qSealDecisionsPG, []any{0, "", 10}, &d, dt, []int{0}},
		{"qSeals", qSeals, []any{f.org.ID, 0}, &sr, sr.targets(), nil},
		{"qOldestKeptSeal", qOldestKeptSeal, []any{f.org.ID}, &sr, sr.targets(), nil},
		{"qExportSeals", qExportSeals, []any{f.org.ID, int64(math.MaxInt64), int64(math.MaxInt64), 10}, &sr, sr.targets(), nil},
		{"qSealsBetween", qSealsBetween, []any{f.org.ID, 0, 10, 10}, &sr, sr.targets(), nil},
	}
	st, _, err := f.s.CreateSupportStaff(context.Background(), "scan-seal@provider.test", 0)
	if err == nil {
		_, err = f.s.DecideAccess(context.Background(), st, models.AccessRequest{ProjectID: f.prod.ID, ClusterName: "analytics",
			Scope: string(models.ScopeDatabaseLogs), CaseNumber: "1", Via: models.ViaAPI})
	}
	if err == nil {
		_, err = f.s.SealRecord(context.Background(), nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	// Only this database's spelling of the reads past the cursor runs.
	if f.s.IsPostgres() {
		return slices.Delete(cases, 1, 3)
	}
	return slices.Delete(cases, 3, 5)
}

// A seal is built before its transaction; if its organization's head
// moved meanwhile, the seal written is built again on the new head, so
// that the chain never forks.
func TestASealBuiltOnAnOldHeadIsBuiltAgain(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		sealedRecord(t, f, nil)
		stale, err := buildSeal(f.s.db, f.org.ID, 0, f.clock, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		st, _, err := f.s.CreateSupportStaff(ctx, "tse-head@provider.test", 0)
		if err != nil {
			t.Fatal(err)
		}
		f.clock = f.clock.Add(time.Minute)
		if _, err := f.s.DecideAccess(ctx, st, models.AccessRequest{ProjectID: f.prod.ID, ClusterName: "analytics", Scope: string(models.ScopeDatabaseLogs), CaseNumber: "2", Via: models.ViaAPI}); err != nil {
			t.Fatal(err)
		}
		f.sealAll(t, f.s, nil)
		head, prev, err := readSealHead(f.s.db, f.org.ID)
		if err != nil {
			t.Fatal(err)
		}
		if head <= stale.head || stale.seal.Batch != stale.head+1 {
			t.Fatalf("the head did not move: %d, built on %d", head, stale.head)
		}
		if err := f.s.db.Transaction(func(tx *gorm.DB) error {
			return writeSeal(tx, stale, 0, f.clock, nil, nil)
		}); err != nil {
			t.Fatal(err)
		}
		got, gotPrev, err := readSealHead(f.s.db, f.org.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got != head+1 || gotPrev == prev || gotPrev == stale.seal.Hash {
			t.Fatalf("written as batch %d (want %d)", got, head+1)
		}
		var linked int64
		if err := f.s.db.Raw(`SELECT COUNT(*) FROM seals WHERE org_id = ? AND batch = ? AND prev_hash = ?`, f.org.ID, got, prev[:]).Scan(&linked).Error; err != nil {
			t.Fatal(err)
		}
		if linked != 1 {
			t.Fatal("the seal written does not follow the head it was written after")
		}
	})
}

// TestARoundReadsItsRowsInShortStatements seals more decisions than one
// statement reads on SQLite in one round: the round reads them all, each
// once, and the record verifies.
func TestARoundReadsItsRowsInShortStatements(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const n = 2*sealReadRows + 37
	if err := f.s.SeedDecisions(ctx, f.org.ID, n, f.clock.Add(-time.Hour), f.clock, nil); err != nil {
		t.Fatal(err)
	}
	var events, decisions int64
	if err := f.s.db.Raw(`SELECT (SELECT COUNT(*) FROM events), (SELECT COUNT(*) FROM access_decisions)`).Row().Scan(&events, &decisions); err != nil {
		t.Fatal(err)
	}
	if decisions != n {
		t.Fatalf("seeded %d decisions, want %d", decisions, n)
	}
	r, complete, err := f.s.sealRound(ctx, nil)
	read := int64(r)
	if err != nil {
		t.Fatal(err)
	}
	if read != events+decisions || !complete {
		t.Fatalf("one round read %d rows (complete %v), want the %d events and %d decisions", read, complete, events, decisions)
	}
	var sealed int64
	if err := f.s.db.Raw(`SELECT COALESCE(SUM(rows_count), 0) FROM seals WHERE org_id = ?`, f.org.ID).Row().Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	if sealed != read {
		t.Fatalf("the seals hold %d rows, want %d", sealed, read)
	}
	if c := f.verify(t, seal.Options{}); !c.Intact() || c.Rows != read || c.Unsealed != 0 {
		t.Fatalf("verify after one round: %+v %+v", c, c.Finding)
	}
}
