package sqlite

import (
	"context"
	"database/sql"
	"os"
	"strconv"
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
//
// PASSIVE alone never bounds the log. SQLite starts writing the log from
// its beginning again only when a writer finds every frame copied back,
// and under a steady load a commit always lands while the checkpoint
// runs: the log grew to 4.8 GB in 70 s of decisions, and kept that size
// while idle. So two more steps:
//   - past walRestartBytes, a RESTART checkpoint: it holds new writers off
//     while it copies the few frames PASSIVE left and syncs the database
//     file, then the next commit writes the log from its start again, over
//     the frames already copied: the file keeps its size, for the idle
//     TRUNCATE to cut (a commit that truncated the file at each restart,
//     as journal_size_limit does, stalled the committer 30 to 60 ms each
//     time on this machine's disk). It waits for the
//     write lock and for readers at most restartWait, so that it never
//     queues writers behind a long read; busy, it tries again next round.
//     It takes the group committer's gate first: SQLite's busy handler
//     polls for the write lock, and the group committer, which takes it
//     again as soon as a group commits, won that race nearly every time
//     under load (the log grew past 100 MB in the WAL test).
//     What the RESTART costs under the gate is its two fsyncs: of the log,
//     for the frames it copies, and of the database file, for every page
//     written to it since that file was last synced. A PASSIVE pass syncs
//     the database file only when it copies the log to its very end,
//     which under load it never does, so the pages of all the passes
//     before were synced under the gate: 20 to 50 ms, one round in two,
//     at half the decisions' rate. The round syncs both files itself
//     before it takes the gate, so that the RESTART syncs only what the
//     last few milliseconds wrote (2 to 9 ms).
//   - idle (no frame added for a round) with a log left, a TRUNCATE
//     checkpoint empties the file.

const (
	// checkpointEvery is how often the log is copied back.
	checkpointEvery = 100 * time.Millisecond
	// walRestartBytes is the log size that makes a round restart the log.
	walRestartBytes = 8 << 20
	// restartWait bounds how long a RESTART or TRUNCATE waits for the
	// write lock and for readers, under the committer's gate, so that
	// commits never queue long behind a read: busy, it tries again next
	// round. Past twice walRestartBytes, busy rounds have let the log
	// grow, and it waits restartWaitLong for a gap. (At 20 ms, a
	// RESTART that found the sealer reading held commits 20 to 30 ms.)
	restartWait     = 2 * time.Millisecond
	restartWaitLong = 100 * time.Millisecond
	// catchUpPasses bounds the PASSIVE passes a round makes before a
	// RESTART, until one copies at most catchUpFrames.
	catchUpPasses = 3
	catchUpFrames = 256
	// busyTimeoutMillis is the connections' usual busy_timeout (DSN),
	// restored after a round.
	busyTimeoutMillis = 10000
)

// Checkpointer copies a SQLite file's write-ahead log back into the
// database file every checkpointEvery, until Close. The file must be
// opened with DSN(path, true), so that commits leave the checkpoints to it.
type Checkpointer struct {
	stop   chan struct{}
	exited chan struct{}
	once   sync.Once
}

// NewCheckpointer starts checkpointing the database db is open on; gate
// is the one its GroupCommitter holds through each group, if it has one.
func NewCheckpointer(db *gorm.DB, gate *sync.Mutex) *Checkpointer {
	c := &Checkpointer{stop: make(chan struct{}), exited: make(chan struct{})}
	go func() {
		defer close(c.exited)
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		r := checkpointRound{gate: gate}
		for {
			select {
			case <-c.stop:
				return
			case <-t.C:
				// An error (a busy database, say) only means this round did
				// less; the next round tries again.
				_ = r.run(db)
			}
		}
	}()
	return c
}

// checkpointRound remembers, from one round to the next, how long the
// log was, to tell an idle database.
type checkpointRound struct {
	lastFrames int64
	pageSize   int64
	gate       *sync.Mutex
	// path is the database file's, read on the round's first RESTART.
	path string
}

// run is one round: PASSIVE, then RESTART if the log is long, or
// TRUNCATE if nothing was written since the last round.
func (r *checkpointRound) run(db *gorm.DB) error {
	ctx := context.Background()
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if r.pageSize == 0 {
		if err := conn.QueryRowContext(ctx, "PRAGMA page_size").Scan(&r.pageSize); err != nil {
			return err
		}
	}
	frames, copied, err := checkpoint(ctx, conn, "PASSIVE")
	if err != nil {
		return err
	}
	idle := frames > 0 && frames == r.lastFrames
	r.lastFrames = frames
	mode, wait := "", restartWait
	switch size := frames * r.pageSize; {
	case idle:
		mode = "TRUNCATE"
	case size > walRestartBytes:
		mode = "RESTART"
		if size > 2*walRestartBytes {
			wait = restartWaitLong
		}
		files, err := r.openLogFiles(ctx, conn)
		if err != nil {
			return err
		}
		defer files.close()
		// Copy back, outside the gate, what was committed while the
		// first pass ran, until a pass finds little to copy, so that the
		// RESTART holds commits off only for the last few frames.
		for i, before := 0, copied; i < catchUpPasses; i++ {
			if frames, copied, err = checkpoint(ctx, conn, "PASSIVE"); err != nil {
				return err
			}
			if err := files.db.Sync(); err != nil {
				return err
			}
			if copied-before <= catchUpFrames {
				break
			}
			before = copied
		}
		if frames*r.pageSize <= walRestartBytes {
			// A commit restarted the log meanwhile (a RESTART of the
			// round before left every frame copied).
			return nil
		}
		if err := files.log.Sync(); err != nil {
			return err
		}
	default:
		return nil
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA busy_timeout = "+strconv.FormatInt(wait.Milliseconds(), 10)); err != nil {
		return err
	}
	defer conn.ExecContext(ctx, "PRAGMA busy_timeout = "+strconv.Itoa(busyTimeoutMillis))
	r.gate.Lock()
	defer r.gate.Unlock()
	// A log restarted is emptied the next round, if no commit came.
	_, _, err = checkpoint(ctx, conn, mode)
	return err
}

// checkpoint runs one checkpoint in mode and returns the log's length in
// frames and how many of them are copied back.
func checkpoint(ctx context.Context, conn *sql.Conn, mode string) (frames, copied int64, err error) {
	var busy int64
	err = conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &frames, &copied)
	return frames, copied, err
}

// logFiles are a database's file and its log's, opened for fsync alone.
type logFiles struct{ db, log *os.File }

// openLogFiles opens the files of the database conn is on (main).
func (r *checkpointRound) openLogFiles(ctx context.Context, conn *sql.Conn) (logFiles, error) {
	if r.path == "" {
		var seq int
		var name string
		if err := conn.QueryRowContext(ctx, "PRAGMA database_list").Scan(&seq, &name, &r.path); err != nil {
			return logFiles{}, err
		}
	}
	db, err := os.Open(r.path)
	if err != nil {
		return logFiles{}, err
	}
	log, err := os.Open(r.path + "-wal")
	if err != nil {
		db.Close()
		return logFiles{}, err
	}
	return logFiles{db: db, log: log}, nil
}

func (f logFiles) close() {
	f.db.Close()
	f.log.Close()
}

// Close stops the checkpoints and waits for the one running, if any.
func (c *Checkpointer) Close() {
	c.once.Do(func() { close(c.stop) })
	<-c.exited
}
