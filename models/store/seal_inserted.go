package store

import (
	"context"
	"fmt"

	"supportaccess/models/seal"
)

// The rows of one organization in the sealed past (at or before the
// cursor), with their marks, on each database.
var (
	qSealedEventsSQLite    = newQuery(`SELECT id, created_at FROM events WHERE org_id = ? AND rowid <= ?`, "")
	qSealedEventsPG        = newQuery(`SELECT id, created_at FROM events WHERE org_id = ? AND (seal_xid, id) <= (?, ?)`, "")
	qSealedDecisionsSQLite = newQuery(`SELECT id, created_at FROM access_decisions WHERE org_id = ? AND rowid <= ?`, "")
	qSealedDecisionsPG     = newQuery(`SELECT id, created_at FROM access_decisions WHERE org_id = ? AND (seal_xid, id) <= (?, ?)`, "")
)

// insertedRow names the earliest row of an organization's sealed past
// that no seal names, and the batch whose time it falls in. It runs only
// when the sealed past holds more rows than the seals name, and holds
// every named id in memory.
func (s *Store) insertedRow(ctx context.Context, orgID string, c sealCursor) (seal.Finding, error) {
	db := s.db.WithContext(ctx)
	type key struct {
		kind seal.Kind
		id   string
	}
	named := map[key]bool{}
	var lasts []seal.Seal // the unpruned seals, for the batch a row falls in
	for b, err := range s.sealedBatches(db, orgID) {
		if err != nil {
			return seal.Finding{}, err
		}
		ev, dec, err := b.Seal.IDs()
		if err != nil || b.Seal.Pruned {
			continue
		}
		for _, id := range ev {
			named[key{seal.KindEvent, id}] = true
		}
		for _, id := range dec {
			named[key{seal.KindDecision, id}] = true
		}
		lasts = append(lasts, seal.Seal{Batch: b.Seal.Batch, LastAt: b.Seal.LastAt})
	}
	f := seal.Finding{Problem: seal.Inserted, Detail: "no seal names it"}
	for _, t := range []struct {
		sqlite, pg query
		mark       int64
		id         string
		kind       seal.Kind
	}{
		{qSealedEventsSQLite, qSealedEventsPG, c.EventMark, c.EventID, seal.KindEvent},
		{qSealedDecisionsSQLite, qSealedDecisionsPG, c.DecisionMark, c.DecisionID, seal.KindDecision},
	} {
		args := []any{orgID, t.mark}
		q := t.sqlite
		if s.IsPostgres() {
			q, args = t.pg, append(args, t.id)
		}
		rows, err := readRows(db, q, args...)
		if err != nil {
			return f, fmt.Errorf("verify record: find inserted rows: %w", err)
		}
		for rows.Next() {
			var id string
			var at int64
			if err := rows.Scan(&id, &at); err != nil {
				rows.Close()
				return f, fmt.Errorf("verify record: find inserted rows: %w", err)
			}
			if !named[key{t.kind, id}] && (f.ID == "" || at < f.At) {
				f.Kind, f.ID, f.At = t.kind, id, at
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return f, fmt.Errorf("verify record: find inserted rows: %w", err)
		}
	}
	for _, l := range lasts {
		f.Batch = l.Batch
		if l.LastAt >= f.At {
			break
		}
	}
	return f, nil
}
