package store

import (
	"sync"
	"time"

	"gorm.io/gorm"
)

// How far the floor may move on PostgreSQL. A round there reads only the
// rows of transactions below the snapshot's xmin, the oldest one still
// running anywhere on the server. A row it does not see may thus have
// committed long before the round, behind a transaction that stays open
// (a pg_dump, a report): moving the floor to the round's time less the
// grace would date that row into the sealed past, a false "inserted".
//
// So a round also notes the snapshot's xmax, the next transaction id to
// be handed out, with its time. Any row of a transaction at or past that
// id was written after that time. Once a later round's xmin has reached
// it, every older transaction has ended and its rows were read: what is
// still unseen was written after the noted time, and the floor may move
// to it less the grace. When no transaction is running, xmin is xmax and
// the round's own time is the floor's, as on SQLite.

// sealHorizon is the mark a round noted and not yet used.
type sealHorizon struct {
	mu   sync.Mutex
	next int64     // the snapshot's xmax when it was noted
	at   time.Time // the round's time then
	set  bool
}

var qSealSnapshot = newQuery(`SELECT pg_snapshot_xmin(s)::text::bigint, pg_snapshot_xmax(s)::text::bigint FROM pg_current_snapshot() s`, "")

// sealedBefore returns the time before which every row a complete round
// at now has not read was written, given the snapshot's xmin and xmax
// read at its start (after now), and whether there is such a time yet.
// It notes (xmax, now) for a later round.
func (h *sealHorizon) sealedBefore(now time.Time, xmin, xmax int64) (time.Time, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if xmin >= xmax {
		h.set = false
		return now, true
	}
	at, ok := h.at, h.set && xmin >= h.next
	if ok || !h.set {
		h.next, h.at, h.set = xmax, now, true
	}
	return at, ok
}

// pgSnapshot reads the xmin and xmax of the server's snapshot now.
func pgSnapshot(db *gorm.DB) (xmin, xmax int64, err error) {
	err = queryRow(db, qSealSnapshot).Scan(&xmin, &xmax)
	return xmin, xmax, err
}
