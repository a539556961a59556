package store

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
	"supportaccess/models/seal"
)

// The sealer closes, in the background, batches of the rows that have
// committed to events and access_decisions, so that neither insert does
// any hashing: the decision is the support API's hot path. One cursor
// (seal_cursor) says how far each table is sealed; a round reads the rows
// past it outside any write lock, hashes them into one seal per
// organization, and in a short transaction moves the cursor, only if it
// is still where the round found it, and writes the seals. Replicas that
// seal at once thus take turns: the one that moves the cursor first
// seals, the other's round is dropped. A round that fails midway leaves
// nothing, and the next seals the same rows.
//
// A row is past the cursor when, on SQLite, its rowid is above the
// table's mark: the single writer gives rowids in commit order, so every
// row a later commit adds is above any a reader has seen. On PostgreSQL
// it is when (seal_xid, id) is above (mark, id), seal_xid being the
// writing transaction's id: a round reads only rows of transactions older
// than every one still running (pg_snapshot_xmin), and any transaction
// that has yet to commit has a larger id, so rows committing out of id
// order are still covered. Rows leave the two tables only through
// PruneRecord, which keeps the cursor right on SQLite when the newest
// rows go.

// sealRoundRows bounds the rows a round reads from each table, and so the
// size of a batch: a backlog is sealed in several rounds.
const sealRoundRows = 5000

// sealGrace is how long after its time a row may still commit: a row
// written later but dated before the last complete round, less the
// grace, was not written by the console (seal.Build's floor).
const sealGrace = 10 * time.Minute

// sealFault, when set by a test, is called before each seal is written,
// and its error fails the round: a crash midway.
var sealFault func(orgID string) error

// sealCursor is the one row of seal_cursor.
type sealCursor struct {
	EventMark    int64
	EventID      string
	DecisionMark int64
	DecisionID   string
	Floor        int64
}

func (c *sealCursor) targets() []any {
	return []any{&c.EventMark, &c.EventID, &c.DecisionMark, &c.DecisionID, &c.Floor}
}

// The statements of a round. A mark is the rowid on SQLite, seal_xid on
// PostgreSQL.
var (
	qSealCursor       = newQuery(`SELECT event_mark, event_id, decision_mark, decision_id, floor FROM seal_cursor WHERE id = 1`, "")
	qSealEventsSQLite = newQuery(`SELECT e.rowid, `+columnsOf(eventTargets, "e")+` FROM events e WHERE e.rowid > ? ORDER BY e.rowid LIMIT ?`, "")
	qSealEventsPG     = newQuery(`SELECT e.seal_xid, `+columnsOf(eventTargets, "e")+` FROM events e WHERE (e.seal_xid, e.id) > (?, ?) AND e.seal_xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint ORDER BY e.seal_xid, e.id LIMIT ?`, "")
	qSealDecisionsSQL = newQuery(`SELECT d.rowid, `+columnsOf(decisionTargets, "d")+` FROM access_decisions d WHERE d.rowid > ? ORDER BY d.rowid LIMIT ?`, "")
	qSealDecisionsPG  = newQuery(`SELECT d.seal_xid, `+columnsOf(decisionTargets, "d")+` FROM access_decisions d WHERE (d.seal_xid, d.id) > (?, ?) AND d.seal_xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint ORDER BY d.seal_xid, d.id LIMIT ?`, "")
	qMoveSealCursor   = newQuery(`UPDATE seal_cursor SET event_mark = ?, event_id = ?, decision_mark = ?, decision_id = ?, floor = ? WHERE id = 1 AND event_mark = ? AND event_id = ? AND decision_mark = ? AND decision_id = ?`, "")
	qSealHead         = newQuery(`SELECT batch, hash FROM seals WHERE org_id = ? ORDER BY batch DESC LIMIT 1`, "")
	qInsertSeal       = newQuery(`INSERT INTO seals (org_id, batch, rows_count, first_at, last_at, floor, sealed_at, prev_hash, rows_hash, hash, manifest, public_key, signature, digests, pruned) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE)`, "")
)

// SealRecord seals what has committed since the last round, in rounds
// until none is left or ctx ends (a backlog, such as the rows of a
// database from before the seals, takes several), signing each seal with
// key when it is not nil. It returns the rows sealed.
func (s *Store) SealRecord(ctx context.Context, key ed25519.PrivateKey) (int, error) {
	total := 0
	for ctx.Err() == nil {
		n, complete, err := s.sealRound(ctx, key)
		total += n
		if err != nil || complete {
			return total, err
		}
	}
	return total, nil
}

// sealRound seals up to sealRoundRows rows of each table past the cursor,
// and reports whether it read every row there was (the round was
// complete), or whether another replica's round moved the cursor first.
func (s *Store) sealRound(ctx context.Context, key ed25519.PrivateKey) (int, bool, error) {
	// The clock is read before the rows: on SQLite any row this round
	// does not see committed after it, and is dated at most sealGrace
	// before it. On PostgreSQL an older transaction may hold such rows
	// back, and the horizon says how far the floor may move
	// (seal_horizon.go).
	now := s.now()
	db := s.db.WithContext(ctx)
	var c sealCursor
	if err := queryRow(db, qSealCursor).Scan(c.targets()...); err != nil {
		return 0, false, fmt.Errorf("seal: read cursor: %w", err)
	}
	var xmin, xmax int64
	if s.IsPostgres() {
		var err error
		if xmin, xmax, err = pgSnapshot(db); err != nil {
			return 0, false, fmt.Errorf("seal: read snapshot: %w", err)
		}
	}
	next := c
	byOrg := map[string][]seal.Row{}
	var x seal.Encoder
	var e models.Event
	var d models.AccessDecision
	et, dt := eventTargets(&e), decisionTargets(&d)
	ne, err := s.sealRows(db, qSealEventsSQLite, qSealEventsPG, c.EventMark, c.EventID, &next.EventMark, &next.EventID,
		func(rows *sql.Rows, mark *int64) (seal.Row, error) {
			err := rows.Scan(append([]any{mark}, et...)...)
			return x.Event(e), err
		}, byOrg)
	if err != nil {
		return 0, false, err
	}
	nd, err := s.sealRows(db, qSealDecisionsSQL, qSealDecisionsPG, c.DecisionMark, c.DecisionID, &next.DecisionMark, &next.DecisionID,
		func(rows *sql.Rows, mark *int64) (seal.Row, error) {
			err := rows.Scan(append([]any{mark}, dt...)...)
			return x.Decision(d), err
		}, byOrg)
	if err != nil {
		return 0, false, err
	}
	complete := ne < sealRoundRows && nd < sealRoundRows
	if complete {
		// Every row not read was written after before (now, on SQLite).
		before, ok := now, true
		if s.IsPostgres() {
			before, ok = s.horizon.sealedBefore(now, xmin, xmax)
		}
		if ok {
			next.Floor = max(c.Floor, int64(models.At(before.Add(-sealGrace))))
		}
	}
	if len(byOrg) == 0 && next.Floor == c.Floor {
		return 0, complete, nil
	}
	// The seals are built (their rows hashed, the batch signed) before the
	// transaction, which holds the write lock and so the decisions off;
	// each is checked against its organization's head again inside it.
	orgs := slices.Sorted(maps.Keys(byOrg))
	built := make([]builtSeal, len(orgs))
	for i, org := range orgs {
		if built[i], err = buildSeal(db, org, c.Floor, now, byOrg[org], key); err != nil {
			return 0, false, fmt.Errorf("seal: %w", err)
		}
	}
	if s.writer != nil {
		s.writer.Lock()
		defer s.writer.Unlock()
	}
	err = db.Transaction(func(tx *gorm.DB) error {
		n, err := exec(tx, qMoveSealCursor, next.EventMark, next.EventID, next.DecisionMark, next.DecisionID, next.Floor,
			c.EventMark, c.EventID, c.DecisionMark, c.DecisionID)
		if err != nil || n == 0 {
			return err // n == 0: another replica sealed these rows
		}
		for i, org := range orgs {
			if err := writeSeal(tx, built[i], c.Floor, now, byOrg[org], key); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, false, fmt.Errorf("seal: %w", err)
	}
	return ne + nd, complete, nil
}

// sealReadRows bounds the rows one statement of a round reads on SQLite.
// A statement is a read transaction, which keeps the log's frames from
// being written over: a checkpoint that restarts the log waits for it,
// under the committer's gate (sqlite/checkpoint.go). A round's 5,000
// rows read in one statement took 33 to 40 ms at half the decisions'
// rate, and the restarts that waited for them held the decisions 10 to
// 37 ms; a statement of 500 takes 3 to 4 ms.
const sealReadRows = 500

// sealRows reads one table's rows past (mark, id), up to sealRoundRows,
// sorting them into byOrg, and leaves in nextMark and nextID the last row
// read. On SQLite it reads them sealReadRows at a time, each statement
// from the last rowid the one before read: rowids grow in commit order,
// so the statements together read what one would have.
func (s *Store) sealRows(db *gorm.DB, onSQLite, onPG query, mark int64, id string, nextMark *int64, nextID *string,
	scan func(*sql.Rows, *int64) (seal.Row, error), byOrg map[string][]seal.Row) (int, error) {
	if s.IsPostgres() {
		return s.sealChunk(db, onPG, []any{mark, id, sealRoundRows}, nextMark, nextID, scan, byOrg)
	}
	n := 0
	for n < sealRoundRows {
		limit := min(sealReadRows, sealRoundRows-n)
		k, err := s.sealChunk(db, onSQLite, []any{mark, limit}, nextMark, nextID, scan, byOrg)
		n += k
		if err != nil || k < limit {
			return n, err
		}
		mark = *nextMark
	}
	return n, nil
}

// sealChunk runs one statement of sealRows.
func (s *Store) sealChunk(db *gorm.DB, q query, args []any, nextMark *int64, nextID *string,
	scan func(*sql.Rows, *int64) (seal.Row, error), byOrg map[string][]seal.Row) (int, error) {
	rows, err := readRows(db, q, args...)
	if err != nil {
		return 0, fmt.Errorf("seal: read rows: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		r, err := scan(rows, nextMark)
		if err != nil {
			return 0, fmt.Errorf("seal: read rows: %w", err)
		}
		byOrg[r.OrgID] = append(byOrg[r.OrgID], r)
		if s.IsPostgres() {
			*nextID = r.ID
		}
		n++
	}
	return n, rows.Err()
}

// builtSeal is a seal built on its organization's head as read then.
type builtSeal struct {
	head int64
	prev [32]byte
	seal seal.Seal
}

// buildSeal seals rows as the batch after org's head.
func buildSeal(db *gorm.DB, org string, floor int64, now time.Time, rows []seal.Row, key ed25519.PrivateKey) (builtSeal, error) {
	head, prev, err := readSealHead(db, org)
	if err != nil {
		return builtSeal{}, err
	}
	return builtSeal{head: head, prev: prev, seal: seal.Build(org, head+1, prev, floor, int64(models.At(now)), rows, key)}, nil
}

// readSealHead reads the batch number and hash of org's last seal (0 and
// zero before its first).
func readSealHead(db *gorm.DB, org string) (int64, [32]byte, error) {
	var batch int64
	var hash []byte
	var h [32]byte
	if err := queryRow(db, qSealHead, org).Scan(&batch, &hash); ignoreNoRows(err) != nil {
		return 0, h, fmt.Errorf("read seal head: %w", err)
	}
	copy(h[:], hash)
	return batch, h, nil
}

// writeSeal writes b, built for rows, as the next batch of its
// organization, built again if the head moved since (a cursor moved by
// another replica fails the round before it).
func writeSeal(tx *gorm.DB, b builtSeal, floor int64, now time.Time, rows []seal.Row, key ed25519.PrivateKey) error {
	sl := b.seal
	if sealFault != nil {
		if err := sealFault(sl.OrgID); err != nil {
			return err
		}
	}
	head, prev, err := readSealHead(tx, sl.OrgID)
	if err != nil {
		return err
	}
	if head != b.head || prev != b.prev {
		if b, err = buildSeal(tx, sl.OrgID, floor, now, rows, key); err != nil {
			return err
		}
		sl = b.seal
	}
	_, err = exec(tx, qInsertSeal, sl.OrgID, sl.Batch, sl.Rows, sl.FirstAt, sl.LastAt, sl.Floor, sl.SealedAt,
		sl.Prev[:], sl.RowsHash[:], sl.Hash[:], sl.Manifest, nonNil(sl.PublicKey), nonNil(sl.Signature), nonNil(sl.Digests))
	if err != nil {
		return fmt.Errorf("write seal: %w", err)
	}
	return nil
}
