package store

import (
	"context"
	"fmt"
	"iter"
	"slices"

	"gorm.io/gorm"

	"supportaccess/models"
	"supportaccess/models/seal"
)

// RecordCheck is what VerifyRecord found.
type RecordCheck struct {
	seal.Report
	// Unsealed counts the rows past the sealer's cursor: written since its
	// last round, they are sealed by its next.
	Unsealed int64
}

// sealRow is one row of seals as stored.
type sealRow struct {
	OrgID                              string
	Batch, RowsCount, FirstAt, LastAt  int64
	Floor, SealedAt                    int64
	PrevHash, RowsHash, Hash, Manifest []byte
	PublicKey, Signature               []byte
	Pruned                             bool
	Digests                            []byte
}

func (r *sealRow) targets() []any {
	return []any{&r.OrgID, &r.Batch, &r.RowsCount, &r.FirstAt, &r.LastAt, &r.Floor, &r.SealedAt,
		&r.PrevHash, &r.RowsHash, &r.Hash, &r.Manifest, &r.PublicKey, &r.Signature, &r.Pruned, &r.Digests}
}

func (r *sealRow) seal() seal.Seal {
	s := seal.Seal{OrgID: r.OrgID, Batch: r.Batch, Rows: r.RowsCount, FirstAt: r.FirstAt, LastAt: r.LastAt, Floor: r.Floor,
		SealedAt: r.SealedAt, Manifest: r.Manifest, Pruned: r.Pruned, Digests: r.Digests}
	copy(s.Prev[:], r.PrevHash)
	copy(s.RowsHash[:], r.RowsHash)
	copy(s.Hash[:], r.Hash)
	if len(r.PublicKey) > 0 {
		s.PublicKey, s.Signature = r.PublicKey, r.Signature
	}
	return s
}

var (
	qSeals = newQuery(`SELECT `+columnsOf((*sealRow).targets, "s")+` FROM seals s WHERE org_id = ? AND batch > ? ORDER BY batch LIMIT 200`, "")
	// The rows of one organization past the cursor, on each database.
	qUnsealedEventsSQLite    = newQuery(`SELECT COUNT(*), COALESCE(MIN(created_at), 0) FROM events WHERE rowid > ? AND +org_id = ?`, "")
	qUnsealedEventsPG        = newQuery(`SELECT COUNT(*), COALESCE(MIN(created_at), 0) FROM events WHERE (seal_xid, id) > (?, ?) AND org_id = ?`, "")
	qUnsealedDecisionsSQLite = newQuery(`SELECT COUNT(*), COALESCE(MIN(created_at), 0) FROM access_decisions WHERE rowid > ? AND +org_id = ?`, "")
	qUnsealedDecisionsPG     = newQuery(`SELECT COUNT(*), COALESCE(MIN(created_at), 0) FROM access_decisions WHERE (seal_xid, id) > (?, ?) AND org_id = ?`, "")
	qOrgEventCount           = newQuery(`SELECT COUNT(*) FROM events WHERE org_id = ?`, "")
	qOrgDecisionCount        = newQuery(`SELECT COUNT(*) FROM access_decisions WHERE org_id = ?`, "")
)

// VerifyRecord recomputes an organization's seals from the rows in the
// database (seal.Verify), with the keys o trusts, and looks for rows that
// no seal names: rows in the sealed past, or rows past the cursor dated
// before the record was last sealed whole. p must see the organization.
func (s *Store) VerifyRecord(ctx context.Context, p models.Principal, orgID string, o seal.Options) (RecordCheck, error) {
	if !models.CanViewOrg(p, orgID) {
		return RecordCheck{}, models.ErrNoOrg()
	}
	db := s.db.WithContext(ctx)
	// The cursor is read before the seals: a round that seals in between
	// adds rows to the seals, never to the sealed past counted below.
	var c sealCursor
	if err := queryRow(db, qSealCursor).Scan(c.targets()...); err != nil {
		return RecordCheck{}, fmt.Errorf("verify record: %w", err)
	}
	r, err := seal.Verify(orgID, s.sealedBatches(db, orgID), o)
	if err != nil {
		return RecordCheck{}, fmt.Errorf("verify record: %w", err)
	}
	check := RecordCheck{Report: r}
	var total, unsealed int64
	for _, t := range []struct {
		count, sqlite, pg query
		mark              int64
		id                string
		kind              seal.Kind
	}{
		{qOrgEventCount, qUnsealedEventsSQLite, qUnsealedEventsPG, c.EventMark, c.EventID, seal.KindEvent},
		{qOrgDecisionCount, qUnsealedDecisionsSQLite, qUnsealedDecisionsPG, c.DecisionMark, c.DecisionID, seal.KindDecision},
	} {
		var n, after, oldest int64
		err := queryRow(db, t.count, orgID).Scan(&n)
		if err == nil && s.IsPostgres() {
			err = queryRow(db, t.pg, t.mark, t.id, orgID).Scan(&after, &oldest)
		} else if err == nil {
			err = queryRow(db, t.sqlite, t.mark, orgID).Scan(&after, &oldest)
		}
		if err != nil {
			return RecordCheck{}, fmt.Errorf("verify record: count rows: %w", err)
		}
		total, unsealed = total+n, unsealed+after
		if after > 0 && oldest < c.Floor {
			check.Add(seal.Finding{Problem: seal.Inserted, Batch: r.Batches + 1, Kind: t.kind, At: oldest,
				Detail: "a row not sealed yet is dated before the record was sealed"})
		}
	}
	check.Unsealed = unsealed
	if sealedPast := total - unsealed; sealedPast > r.Rows {
		f, err := s.insertedRow(ctx, orgID, c)
		if err != nil {
			return RecordCheck{}, err
		}
		if f.ID != "" {
			check.Add(f)
		}
	}
	return check, nil
}

// sealedBatches reads an organization's seals in batch order, each with
// the rows its manifest names, fetched by id.
func (s *Store) sealedBatches(db *gorm.DB, orgID string) iter.Seq2[seal.Batch, error] {
	return func(yield func(seal.Batch, error) bool) {
		after := int64(0)
		for {
			// A page of seals is read whole before its rows, so that no
			// statement is left open while others run.
			page, err := s.sealPage(db, orgID, after)
			if err != nil {
				yield(seal.Batch{}, err)
				return
			}
			for _, sl := range page {
				b := seal.Batch{Seal: sl}
				if !sl.Pruned {
					b.Rows, err = sealedRows(db, sl)
				}
				if !yield(b, err) || err != nil {
					return
				}
				after = sl.Batch
			}
			if len(page) == 0 {
				return
			}
		}
	}
}

func (s *Store) sealPage(db *gorm.DB, orgID string, after int64) ([]seal.Seal, error) {
	rows, err := readRows(db, qSeals, orgID, after)
	if err != nil {
		return nil, fmt.Errorf("read seals: %w", err)
	}
	defer rows.Close()
	var out []seal.Seal
	for rows.Next() {
		var r sealRow
		if err := rows.Scan(r.targets()...); err != nil {
			return nil, fmt.Errorf("read seals: %w", err)
		}
		out = append(out, r.seal())
	}
	return out, rows.Err()
}

// sealedRows fetches the rows a seal names, wherever they are now.
func sealedRows(db *gorm.DB, sl seal.Seal) ([]seal.Row, error) {
	events, decisions, err := sl.IDs()
	if err != nil {
		return nil, nil // a malformed manifest is the check's finding
	}
	out, err := rowsByID(db, "events", eventTargets, events, seal.EventRow, nil)
	if err == nil {
		out, err = rowsByID(db, "access_decisions", decisionTargets, decisions, seal.DecisionRow, out)
	}
	if err != nil {
		return nil, fmt.Errorf("read sealed rows: %w", err)
	}
	return out, nil
}

// rowsByID appends to out the sealed form of table's rows with the ids
// given, those that are there.
func rowsByID[T any](db *gorm.DB, table string, targets func(*T) []any, ids []string, sealed func(T) seal.Row, out []seal.Row) ([]seal.Row, error) {
	q := `SELECT ` + columnsOf(targets, "t") + ` FROM ` + table + ` t WHERE t.id IN ?`
	for chunk := range slices.Chunk(ids, 500) {
		rows, err := db.Raw(q, chunk).Rows()
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var v T
			if err := rows.Scan(targets(&v)...); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, sealed(v))
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
