package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
	"supportaccess/models/seal"
)

// RecordSink is what an export writes to: each row with the batch whose
// seal names it (0 when none does yet: the row is newer than the last
// round of the sealer), and once the export is past a batch's rows, its
// seal with the digests of the rows of the batch it left out.
type RecordSink[T any] interface {
	Row(r *T, batch int64) error
	Seal(b seal.ExportBatch) error
}

// exportSealPage is how many seals an export reads at once. A seal of a
// full round (sealRoundRows rows of each table) keeps about 290 KB of
// manifest and digests, and the collector lets the heap grow to five
// times what is live (GOGC 400): 16 seals at once showed as 20 MB more
// memory for an export.
const exportSealPage = 4

var (
	// The seals of an organization by their newest row, newest first,
	// from a key (last_at, batch) down.
	qExportSeals = newQuery(`SELECT `+columnsOf((*sealRow).targets, "s")+` FROM seals s WHERE s.org_id = ? AND s.pruned = FALSE
		AND (s.last_at, s.batch) < (?, ?) ORDER BY s.last_at DESC, s.batch DESC LIMIT ?`, "")
	// The seals between two batches, which an export gives by header.
	qSealsBetween = newQuery(`SELECT `+columnsOf((*sealRow).targets, "s")+` FROM seals s WHERE s.org_id = ? AND s.batch > ? AND s.batch < ? ORDER BY s.batch LIMIT ?`, "")
)

// sealWindow follows an export's rows (newest first) through the seals:
// it opens a seal when the rows reach its newest row and closes it
// (RecordSink.Seal) once they are past its oldest, so that it holds only
// the seals whose time the export is in, and it reads seals a page at a
// time, never per row.
type sealWindow struct {
	db      *gorm.DB
	org     string
	kind    seal.Kind
	emit    func(seal.ExportBatch) error
	top     int64 // the newest exported row's time; 0 before the first
	keyAt   int64 // the next page reads seals below (keyAt, keyBatch)
	keyB    int64
	ahead   []seal.Seal // read, not yet open
	drained bool
	open    []*openSeal
	given   []int64 // batches whose seals went out
	whole   func(seal.Seal) bool
}

// wholeIn is exportSealed's whole for an export with no filter but the
// time range [min, max] (unfiltered) or with some (not): a seal whose
// rows all lie in the range then has each of its rows of the export's
// kind in the export, and one that is not was removed from the database.
// The export gives no digest for it, so that the check names it missing
// rather than count it left out by the filter.
func wholeIn(unfiltered bool, min, max time.Time) func(seal.Seal) bool {
	return func(s seal.Seal) bool {
		return unfiltered && (min.IsZero() || s.FirstAt >= int64(models.At(min))) && (max.IsZero() || s.LastAt <= int64(models.At(max)))
	}
}

type openSeal struct {
	s     seal.Seal
	pos   map[string]int32 // the export's kind of rows, by id
	taken []bool           // by place in the manifest
}

// exportSealed walks the rows of scope into sink, each with its batch,
// and the seals of those batches. whole says of a seal whether scope
// selects every row of kind in its time (wholeIn).
func exportSealed[T any](ctx context.Context, s *Store, org string, kind seal.Kind, scope logScope, cols logColumns[T],
	whole func(seal.Seal) bool, sink RecordSink[T]) error {
	defer tightGC()() // to the last seal: closing the oldest reads the rows it left out
	// The seals are read on a connection of the export's too: their
	// manifests and digests are most of what it reads after the rows.
	c, err := s.exportConn(ctx)
	if err != nil {
		return err
	}
	defer s.releaseExportConn(c)
	w := newSealWindow(onExportConn(ctx, s.db, c), org, kind, sink.Seal)
	w.whole = whole
	err = eachLogRow(ctx, s, scope, cols, func(r *T) error {
		at, id := cols.key(r)
		b, err := w.batchOf(at, id)
		if err != nil {
			return err
		}
		return sink.Row(r, b)
	})
	if err != nil {
		return err
	}
	return w.finish()
}

func newSealWindow(db *gorm.DB, org string, kind seal.Kind, emit func(seal.ExportBatch) error) *sealWindow {
	return &sealWindow{db: db, org: org, kind: kind, emit: emit, keyAt: math.MaxInt64, keyB: math.MaxInt64}
}

// batchOf is the batch whose seal names the row of that id and time, or
// 0; the rows come newest first.
func (w *sealWindow) batchOf(at int64, id string) (int64, error) {
	if w.top == 0 {
		w.top = at
	}
	for {
		if len(w.ahead) == 0 && !w.drained {
			if err := w.readPage(); err != nil {
				return 0, err
			}
		}
		if len(w.ahead) == 0 || w.ahead[0].LastAt < at {
			break
		}
		s := w.ahead[0]
		w.ahead = w.ahead[1:]
		if s.FirstAt > w.top {
			continue // all its rows are newer than the export's
		}
		pos, err := s.Positions(w.kind)
		if err != nil {
			return 0, fmt.Errorf("export: seal %d: %w", s.Batch, err)
		}
		w.open = append(w.open, &openSeal{s: s, pos: pos, taken: make([]bool, s.Rows)})
	}
	kept := w.open[:0]
	for _, o := range w.open {
		if o.s.FirstAt <= at {
			kept = append(kept, o)
		} else if err := w.close(o); err != nil {
			return 0, err
		}
	}
	clear(w.open[len(kept):])
	w.open = kept
	for _, o := range w.open {
		if p, ok := o.pos[id]; ok && int(p) < len(o.taken) {
			o.taken[p] = true
			return o.s.Batch, nil
		}
	}
	return 0, nil
}

func (w *sealWindow) readPage() error {
	rows, err := readRows(w.db, qExportSeals, w.org, w.keyAt, w.keyB, exportSealPage)
	if err != nil {
		return fmt.Errorf("export: read seals: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var r sealRow
		if err := rows.Scan(r.targets()...); err != nil {
			return fmt.Errorf("export: read seals: %w", err)
		}
		w.ahead = append(w.ahead, r.seal())
		w.keyAt, w.keyB = r.LastAt, r.Batch
		n++
	}
	w.drained = n < exportSealPage
	return rows.Err()
}

// close gives an open seal, with the digests of the rows it left out.
func (w *sealWindow) close(o *openSeal) error {
	s := o.s
	w.given = append(w.given, s.Batch)
	if !slices.Contains(o.taken, true) {
		return w.emit(seal.ExportBatch{Seal: headerOnly(s)})
	}
	var found map[string][32]byte
	var readErr error
	gone := seal.Kind(0)
	if w.whole != nil && w.whole(s) {
		gone = w.kind
	}
	left, err := s.LeftOut(o.taken, gone, func(k seal.Kind, id string) ([32]byte, bool) {
		if found == nil {
			found = map[string][32]byte{}
			var rows []seal.Row
			rows, readErr = sealedRows(w.db, s)
			for _, r := range rows {
				found[string(r.Kind)+r.ID] = r.Digest
			}
		}
		d, ok := found[string(k)+id]
		return d, ok
	})
	if err = errors.Join(err, readErr); err != nil {
		return fmt.Errorf("export: seal %d: %w", s.Batch, err)
	}
	s.Digests = nil
	return w.emit(seal.ExportBatch{Seal: s, LeftOut: left})
}

// headerOnly is s as an export gives a batch it carries no row of: the
// header, which proves the batch is there and how many rows it has.
func headerOnly(s seal.Seal) seal.Seal {
	s.ManifestSum, s.Manifest, s.Digests = sha256.Sum256(s.Manifest), nil, nil
	return s
}

// finish closes the seals still open and gives, by header, those between
// the first and last given that the export's rows did not reach, so that
// the file's seals chain without a gap.
func (w *sealWindow) finish() error {
	for _, o := range w.open {
		if err := w.close(o); err != nil {
			return err
		}
	}
	w.open = nil
	slices.Sort(w.given)
	given := w.given
	for i := 1; i < len(given); i++ {
		for lo := given[i-1]; lo+1 < given[i]; {
			page, err := w.between(lo, given[i])
			if err != nil {
				return err
			}
			if len(page) == 0 {
				break // the check reports the seals missing
			}
			for _, s := range page {
				if err := w.emit(seal.ExportBatch{Seal: headerOnly(s)}); err != nil {
					return err
				}
				lo = s.Batch
			}
		}
	}
	return nil
}

func (w *sealWindow) between(lo, hi int64) ([]seal.Seal, error) {
	rows, err := readRows(w.db, qSealsBetween, w.org, lo, hi, exportSealPage)
	if err != nil {
		return nil, fmt.Errorf("export: read seals: %w", err)
	}
	defer rows.Close()
	var out []seal.Seal
	for rows.Next() {
		var r sealRow
		if err := rows.Scan(r.targets()...); err != nil {
			return nil, fmt.Errorf("export: read seals: %w", err)
		}
		out = append(out, r.seal())
	}
	return out, rows.Err()
}
