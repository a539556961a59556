package store

import (
	"context"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
	"supportaccess/models/seal"
)

type collectSink struct{ rows []models.AccessDecision }

func (c *collectSink) Row(r *models.AccessDecision, _ int64) error {
	c.rows = append(c.rows, *r)
	return nil
}
func (c *collectSink) Seal(seal.ExportBatch) error { return nil }

// An export read in parallel batches gives every row its filter selects
// once, newest first, even when many rows share the time a batch starts
// at, and under a time range on both sides.
func TestExportBatchesGiveEachRowOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		from, to := f.clock.Add(-10*24*time.Hour), f.clock
		if err := f.s.SeedDecisions(ctx, f.org.ID, 2*logBatch+300, from, to, nil); err != nil {
			t.Fatal(err)
		}
		// 1,500 more at one moment, which the first batches' bounds meet.
		var tie int64
		if err := f.s.db.Raw(`SELECT created_at FROM access_decisions WHERE org_id = ? ORDER BY created_at DESC LIMIT 1 OFFSET ?`, f.org.ID, logBatch-1).Scan(&tie).Error; err != nil {
			t.Fatal(err)
		}
		err := f.s.db.Transaction(func(tx *gorm.DB) error {
			for range 3 * logBatch / 2 {
				if err := tx.Exec(`INSERT INTO access_decisions (id, org_id, project_id, cluster_id, cluster_name, staff_id, staff_email, scope, allowed, reason_code, reason, blocked, created_at)
					SELECT ?, org_id, project_id, cluster_id, cluster_name, staff_id, staff_email, scope, allowed, reason_code, reason, blocked, created_at FROM access_decisions WHERE org_id = ? AND created_at = ? LIMIT 1`,
					models.NewID(f.clock), f.org.ID, tie).Error; err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		filter := models.DecisionFilter{OrgID: f.org.ID, MinDate: from.Add(24 * time.Hour), MaxDate: to.Add(-24 * time.Hour)}
		var want []models.AccessDecision
		if err := f.s.db.Where("org_id = ? AND created_at >= ? AND created_at <= ?", f.org.ID, models.At(filter.MinDate), models.At(filter.MaxDate)).
			Order("created_at DESC, id DESC").Find(&want).Error; err != nil {
			t.Fatal(err)
		}
		run, err := f.s.AccessDecisionExport(ctx, f.owner.Principal, filter)
		if err != nil {
			t.Fatal(err)
		}
		var got collectSink
		if err := run(&got); err != nil {
			t.Fatal(err)
		}
		id := func(d models.AccessDecision) string { return d.ID }
		if len(want) < 3*logBatch || !slices.Equal(slicesMap(got.rows, id), slicesMap(want, id)) {
			t.Fatalf("exported %d rows, want the %d the filter selects, newest first", len(got.rows), len(want))
		}
		// Every column as GORM reads it (on PostgreSQL the export reads
		// through pgx itself).
		for i := range want {
			if !reflect.DeepEqual(got.rows[i], want[i]) {
				t.Fatalf("row %d exported as\n %+v\nstored as\n %+v", i, got.rows[i], want[i])
			}
		}
	})
}

func slicesMap[T, U any](in []T, fn func(T) U) []U {
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = fn(v)
	}
	return out
}

// Each statement of an export bounds the time once on each side: given
// two lower bounds, SQLite read the index from the looser one, and an
// export of a time range read the rest of the log for every batch.
func TestExportBatchesBoundTheTimeOnce(t *testing.T) {
	f := newFixture(t)
	scope, err := f.s.decisionScope(context.Background(), f.owner.Principal,
		models.DecisionFilter{OrgID: f.org.ID, MinDate: f.clock.Add(-time.Hour), MaxDate: f.clock})
	if err != nil {
		t.Fatal(err)
	}
	at := int64(models.At(f.clock.Add(-time.Minute)))
	for _, c := range []struct{ first, bounded bool }{{true, true}, {true, false}, {false, true}, {false, false}} {
		q := batchRange(scope, at, c.first, at-1, c.bounded).Session(&gorm.Session{DryRun: true}).Find(&[]models.AccessDecision{})
		stmt := q.Statement.SQL.String()
		if lower, upper := strings.Count(stmt, "created_at >"), strings.Count(stmt, "created_at <"); lower != 1 || upper != 1 {
			t.Errorf("first %v, bounded %v: %d lower and %d upper bounds in %s", c.first, c.bounded, lower, upper, stmt)
		}
	}
}

// gcPercent is the collector's target now.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// TestExportsLowerTheCollectorsTargetUntilTheLastEnds: overlapping
// exports lower the target once and give the server's back when the last
// one ends; a target already lower is kept.
func TestExportsLowerTheCollectorsTargetUntilTheLastEnds(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	first := tightGC()
	second := tightGC()
	if got := gcPercent(); got != exportGCPercent {
		t.Fatalf("target %d with two exports running, want %d", got, exportGCPercent)
	}
	first()
	if got := gcPercent(); got != exportGCPercent {
		t.Fatalf("target %d with one export left, want %d", got, exportGCPercent)
	}
	second()
	if got := gcPercent(); got != 400 {
		t.Fatalf("target %d after the exports, want the server's 400", got)
	}
	debug.SetGCPercent(50)
	done := tightGC()
	if got := gcPercent(); got != 50 {
		t.Fatalf("target %d during an export, want the lower 50 kept", got)
	}
	done()
	if got := gcPercent(); got != 50 {
		t.Fatalf("target %d after it, want 50", got)
	}
}
