package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"supportaccess/models"
	"supportaccess/models/seal"
)

// rowFunc is a RecordSink that gives each row to a function and drops
// the seals: for tests of the rows alone.
type rowFunc[T any] func(*T) error

func (f rowFunc[T]) Row(r *T, _ int64) error   { return f(r) }
func (rowFunc[T]) Seal(seal.ExportBatch) error { return nil }

// checkSink checks an export's rows and seals as they come, as an
// offline check of the file would.
type checkSink struct {
	c       *seal.ExportCheck
	pending map[int64][]seal.Row
	seals   []seal.ExportBatch
}

func newCheckSink() *checkSink {
	return &checkSink{c: seal.NewExportCheck(seal.Options{}), pending: map[int64][]seal.Row{}}
}

func (k *checkSink) Row(d *models.AccessDecision, b int64) error {
	if b == 0 {
		k.c.Unsealed(seal.DecisionRow(*d))
	} else {
		k.pending[b] = append(k.pending[b], seal.DecisionRow(*d))
	}
	return nil
}

func (k *checkSink) Seal(b seal.ExportBatch) error {
	b.Rows = k.pending[b.Seal.Batch]
	delete(k.pending, b.Seal.Batch)
	k.seals = append(k.seals, b)
	k.c.Batch(b)
	return nil
}

func (k *checkSink) report(t *testing.T) seal.ExportReport {
	t.Helper()
	for b, rows := range k.pending {
		for _, r := range rows {
			k.c.Stray(r, b)
		}
	}
	return k.c.Finish()
}

// TestExportCarriesTheSealsOfItsRows: over many rounds of the sealer, an
// export (whole or filtered to one case) gives each row with its batch,
// each batch once, whole where it holds an exported row and by header
// where not, chained without a gap, and the rows it left out; seals
// written before they kept their digests are served from the rows.
func TestExportCarriesTheSealsOfItsRows(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		for range 6 {
			sealedRecord(t, f, nil)
			f.clock = f.clock.Add(time.Hour)
		}
		st, _, err := f.s.CreateSupportStaff(ctx, "late@provider.test", 0)
		if err == nil {
			_, err = f.s.DecideAccess(ctx, st, models.AccessRequest{ProjectID: f.prod.ID, ClusterName: "analytics",
				Scope: string(models.ScopeDatabaseLogs), CaseNumber: "late", Via: models.ViaAPI})
		}
		if err != nil {
			t.Fatal(err)
		}
		export := func(fl models.DecisionFilter) (seal.ExportReport, *checkSink) {
			t.Helper()
			each, err := f.s.AccessDecisionExport(ctx, f.owner.Principal, fl)
			if err != nil {
				t.Fatal(err)
			}
			k := newCheckSink()
			if err := each(k); err != nil {
				t.Fatal(err)
			}
			return k.report(t), k
		}
		// A round seals one batch, or on PostgreSQL more when another
		// package's open transaction held part of it back (sealAll): the
		// counts below are the batches the organization has.
		sealed := func() int64 {
			t.Helper()
			var n int64
			if err := f.s.db.Raw("SELECT COUNT(*) FROM seals WHERE org_id = ?", f.org.ID).Scan(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		all, k := export(models.DecisionFilter{OrgID: f.org.ID})
		first := sealed()
		if !all.Intact() || all.Rows != 30 || all.Unsealed != 1 || all.Batches != first || first < 6 || all.LeftOut == 0 {
			t.Fatalf("whole: %s (%d batches sealed)", all.Summary(), first)
		}
		for _, b := range k.seals {
			if b.Seal.Manifest == nil || len(b.Seal.Digests) != 0 {
				t.Fatalf("batch %d: whole seal wanted, without the digests kept", b.Seal.Batch)
			}
		}
		one, k := export(models.DecisionFilter{OrgID: f.org.ID, CaseNumber: "01002"})
		if !one.Intact() || one.Rows != 6 || one.Rows+one.LeftOut != all.Rows+all.LeftOut {
			t.Fatalf("one case: %s; whole: %s", one.Summary(), all.Summary())
		}
		// The next batch holds the late decision (alone, but on a busy
		// PostgreSQL): an export of case 01002 gives it by its header.
		f.sealAll(t, f.s, nil)
		f.clock = f.clock.Add(time.Hour)
		sealedRecord(t, f, nil)
		late, k := export(models.DecisionFilter{OrgID: f.org.ID, CaseNumber: "late"})
		if !late.Intact() || late.Rows != 1 || len(k.seals) != 1 || k.seals[0].Seal.Batch <= first || late.LeftOut != 0 {
			t.Fatalf("the late row: %s, %d seals, after %d batches", late.Summary(), len(k.seals), first)
		}
		lateBatch := k.seals[0].Seal.Batch
		again, k := export(models.DecisionFilter{OrgID: f.org.ID, CaseNumber: "01002"})
		var headers []int64
		for _, b := range k.seals {
			if b.Seal.Manifest == nil {
				headers = append(headers, b.Seal.Batch)
			}
		}
		if n := sealed(); !again.Intact() || again.Rows != 7 || again.Batches != n || !slices.Contains(headers, lateBatch) ||
			n == first+2 && len(headers) != 1 {
			t.Fatalf("case 01002 again: %s, by header %v, the late row in %d of %d", again.Summary(), headers, lateBatch, n)
		}

		// A sealed row removed from the database is missing from an
		// export that selects every row of its batch's time; a filter
		// that would not select it counts it left out (the README says
		// so: verify --org finds it).
		var row models.AccessDecision
		if err := f.s.db.Where("case_number = '01003'").Order("created_at").First(&row).Error; err != nil {
			t.Fatal(err)
		}
		gone := row.ID
		f.exec(t, `DELETE FROM access_decisions WHERE id = ?`, gone)
		for name, fl := range map[string]models.DecisionFilter{
			"whole":   {OrgID: f.org.ID},
			"a range": {OrgID: f.org.ID, MinDate: time.Date(2026, 11, 27, 11, 0, 0, 0, time.UTC), MaxDate: f.clock.Add(time.Hour)},
		} {
			if r, _ := export(fl); r.Intact() || r.Finding.Problem != seal.Missing || r.Finding.ID != gone {
				t.Fatalf("%s, a row removed: %s", name, r.Summary())
			}
		}
		if r, _ := export(models.DecisionFilter{OrgID: f.org.ID, CaseNumber: "01002"}); !r.Intact() {
			t.Fatalf("case 01002, a row of 01003 removed: %s", r.Summary())
		}
		// Seals from before they kept digests are served from the rows:
		// the removed row is missing even there.
		f.exec(t, `UPDATE seals SET digests = ?`, []byte{})
		if r, _ := export(models.DecisionFilter{OrgID: f.org.ID, CaseNumber: "01002"}); r.Intact() || r.Finding.ID != gone {
			t.Fatalf("old seals, case 01002, a row of 01003 removed: %s", r.Summary())
		}
		if err := f.s.db.Create(&row).Error; err != nil {
			t.Fatal(err)
		}

		// Old seals, the row back.
		old, _ := export(models.DecisionFilter{OrgID: f.org.ID, CaseNumber: "01002"})
		if !old.Intact() || old.Rows != 7 || old.LeftOut == 0 {
			t.Fatalf("old seals: %s", old.Summary())
		}
		// A sealed row changed in the database is found in the export.
		f.exec(t, `UPDATE access_decisions SET justification = 'nothing to see' WHERE case_number = '01002'`)
		if bad, _ := export(models.DecisionFilter{OrgID: f.org.ID, CaseNumber: "01002"}); bad.Intact() || bad.Finding.Problem != seal.Changed {
			t.Fatalf("changed rows: %s", bad.Summary())
		}
	})
}
