package sqlite

import (
	"context"
	"sync"
	"time"

	"gorm.io/gorm"
)

// Checkpoints, on a SQLite file. By default the connection whose commit
// fills the write-ahead log past 1,000 pages copies it back into the
// database file, with two fsyncs, while it still holds the write lock:
// every writer queued behind it, which showed as long tails in the
// decisions' latency. Here the commits never checkpoint; a goroutine of
// the store does, on a connection of its own, in PASSIVE mode, which
// neither takes the write lock nor waits for readers. Durability is the
// same: a committed transaction is in the log, which SQLite replays on
// open.

// checkpointEvery is how often the log is copied back.
const checkpointEvery = 250 * time.Millisecond

// Checkpointer copies a SQLite file's write-ahead log back into the
// database file every checkpointEvery, until Close. The file must be
// opened with DSN(path, true), so that commits leave the checkpoints to it.
type Checkpointer struct {
	stop   chan struct{}
	exited chan struct{}
	once   sync.Once
}

// NewCheckpointer starts checkpointing the database db is open on.
func NewCheckpointer(db *gorm.DB) *Checkpointer {
	c := &Checkpointer{stop: make(chan struct{}), exited: make(chan struct{})}
	go func() {
		defer close(c.exited)
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-c.stop:
				return
			case <-t.C:
				// An error (a busy database, say) only means this round did
				// less; the next round tries again.
				_ = db.WithContext(context.Background()).Exec("PRAGMA wal_checkpoint(PASSIVE)").Error
			}
		}
	}()
	return c
}

// Close stops the checkpoints and waits for the one running, if any.
func (c *Checkpointer) Close() {
	c.once.Do(func() { close(c.stop) })
	<-c.exited
}
