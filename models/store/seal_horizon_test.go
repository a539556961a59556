package store

import (
	"context"
	"testing"
	"time"

	"supportaccess/models"
	"supportaccess/models/seal"
)

func TestTheHorizonMovesOnlyPastEndedTransactions(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	var h sealHorizon
	// Nothing running: the round's own time.
	if at, ok := h.sealedBefore(t0, 100, 100); !ok || !at.Equal(t0) {
		t.Fatalf("idle server: %v %v", at, ok)
	}
	// Transaction 100 stays open: no time until it ends, however long.
	for i := 1; i <= 3; i++ {
		if at, ok := h.sealedBefore(t0.Add(time.Duration(i)*time.Hour), 100, 120+int64(i)); ok {
			t.Fatalf("round %d moved to %v while 100 runs", i, at)
		}
	}
	// It ends, another one (125) is open: the time noted when the first
	// round saw 121 handed out next.
	if at, ok := h.sealedBefore(t0.Add(4*time.Hour), 125, 130); !ok || !at.Equal(t0.Add(time.Hour)) {
		t.Fatalf("after it ended: %v %v", at, ok)
	}
	// 125 still runs: the mark noted last (130) is not reached yet.
	if _, ok := h.sealedBefore(t0.Add(5*time.Hour), 125, 131); ok {
		t.Fatal("moved past 125 while it runs")
	}
	if at, ok := h.sealedBefore(t0.Add(6*time.Hour), 130, 132); !ok || !at.Equal(t0.Add(4*time.Hour)) {
		t.Fatalf("after 125 ended: %v %v", at, ok)
	}
}

// A transaction that stays open past the grace holds back the rows that
// commit after it; they must not read as inserted into the sealed past
// when they are sealed at last.
func TestALongTransactionDoesNotMakeRowsLookInserted(t *testing.T) {
	f := newFixtureOn(t, onPostgres)
	ctx := context.Background()
	sealedRecord(t, f, nil)
	held := f.s.db.Begin()
	t.Cleanup(func() { held.Rollback() })
	var xid int64
	if err := held.Raw(`SELECT pg_current_xact_id()::text::bigint`).Scan(&xid).Error; err != nil {
		t.Fatal(err)
	}
	st, _, err := f.s.CreateSupportStaff(ctx, "late@provider.test", 0)
	if err != nil {
		t.Fatal(err)
	}
	f.clock = f.clock.Add(time.Minute)
	if _, err := f.s.DecideAccess(ctx, st, models.AccessRequest{ProjectID: f.prod.ID, ClusterName: "analytics",
		Scope: string(models.ScopeDatabaseLogs), CaseNumber: "7", Via: models.ViaAPI}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		f.clock = f.clock.Add(30 * time.Minute)
		if _, err := f.s.SealRecord(ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
	if c := f.verify(t, seal.Options{}); !c.Intact() || c.Unsealed == 0 {
		t.Fatalf("while transaction %d is open: %s, %d unsealed %+v", xid, c.Summary(), c.Unsealed, c.Finding)
	}
	if err := held.Rollback().Error; err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		f.clock = f.clock.Add(time.Minute)
		if _, err := f.s.SealRecord(ctx, nil); err != nil {
			t.Fatal(err)
		}
		c := f.verify(t, seal.Options{})
		if !c.Intact() {
			t.Fatalf("after it ended: %s %+v", c.Summary(), c.Finding)
		}
		if c.Unsealed == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d rows still not sealed", c.Unsealed)
		}
	}
}
