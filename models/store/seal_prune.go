package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

// The hook retention removes rows through. Rows leave events and
// access_decisions only here: whole sealed batches, oldest first, so that
// what remains still chains to a seal.
var (
	qOldestKeptSeal = newQuery(`SELECT `+columnsOf((*sealRow).targets, "s")+` FROM seals s WHERE org_id = ? AND pruned = FALSE ORDER BY batch LIMIT 1`, "")
	qPruneSeal      = newQuery(`UPDATE seals SET pruned = TRUE WHERE org_id = ? AND batch = ?`, "")
	qDropOldAnchors = newQuery(`DELETE FROM seals WHERE org_id = ? AND pruned = TRUE AND batch < ?`, "")
	// On SQLite a table whose newest rows went gives their rowids again:
	// the cursor comes back to the newest row left, so that those rows
	// are sealed when they come.
	qCursorToRowsLeft = newQuery(`UPDATE seal_cursor SET event_mark = min(event_mark, (SELECT COALESCE(MAX(rowid), 0) FROM events)),
		decision_mark = min(decision_mark, (SELECT COALESCE(MAX(rowid), 0) FROM access_decisions)) WHERE id = 1`, "")
)

// PruneRecord removes an organization's oldest sealed rows, a whole batch
// at a time while the batch's newest row is older than before, at most
// maxBatches batches, each in a short transaction of its own so that
// support is never held up. The seal of the last batch removed stays as
// the anchor the record is verified from (its header still chains to the
// seals after it); the older anchors go. Rows not sealed yet are never
// removed. It returns the rows removed.
func (s *Store) PruneRecord(ctx context.Context, orgID string, before time.Time, maxBatches int) (int64, error) {
	var removed int64
	for range maxBatches {
		var n int64
		done := false
		err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			var r sealRow
			if err := queryRow(tx, qOldestKeptSeal, orgID).Scan(r.targets()...); err != nil || r.LastAt >= int64(models.At(before)) {
				done = true
				return ignoreNoRows(err)
			}
			events, decisions, err := r.seal().IDs()
			if err != nil {
				return err
			}
			for _, t := range []struct {
				table string
				ids   []string
			}{{"events", events}, {"access_decisions", decisions}} {
				for chunk := range slices.Chunk(t.ids, 500) {
					res := tx.Exec(`DELETE FROM `+t.table+` WHERE org_id = ? AND id IN ?`, orgID, chunk)
					if res.Error != nil {
						return res.Error
					}
					n += res.RowsAffected
				}
			}
			if _, err := exec(tx, qPruneSeal, orgID, r.Batch); err != nil {
				return err
			}
			if _, err := exec(tx, qDropOldAnchors, orgID, r.Batch); err != nil {
				return err
			}
			if !s.IsPostgres() {
				_, err = exec(tx, qCursorToRowsLeft)
			}
			return err
		})
		if err != nil {
			return removed, fmt.Errorf("prune record: %w", err)
		}
		if done {
			break
		}
		removed += n
	}
	return removed, nil
}

// ignoreNoRows is err, unless it says there was no row.
func ignoreNoRows(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return err
}
