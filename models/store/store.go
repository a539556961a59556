// Package store is the storage of the console: the Store, its
// transactions, one file per entity, the schema as one ordered list of
// migrations (schema.go), the seeds, and the caches that serve pages again
// (clustercache.go). It runs on SQLite or PostgreSQL through GORM, and
// straight on the connection for the hot statements (sqlq.go, scan.go).
// The rules it applies are package models'; what only SQLite needs to be
// fast is package sqlite, beneath this one.
package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"supportaccess/models"
	"supportaccess/models/store/sqlite"
)

// Store is the storage of the console. Now is the clock; every operation
// reads it once so that a transaction sees one instant.
type Store struct {
	db  *gorm.DB
	Now func() time.Time
	// Hashes bounds the password checks that run at once (a login's
	// argon2id holds 19 MiB); a test may swap in a smaller one.
	Hashes *models.HashGate
	// group, on SQLite, commits the changes that go through retry in
	// groups (sqlite/groupcommit.go). Queuing in Go also keeps those
	// writers out of SQLite's busy handler, which sleeps whole
	// milliseconds between tries. nil on PostgreSQL, where each change has
	// its own transaction and row locks let them run side by side, in a
	// Store wrapping a transaction, and with Options.NoGroupCommit.
	group *sqlite.GroupCommitter
	// checkpoints, on a SQLite file, copies the write-ahead log back in
	// the background (sqlite/checkpoint.go).
	checkpoints *sqlite.Checkpointer
	// cache keeps projects' cluster lists while they are current
	// (clustercache.go).
	cache *clusterCache
	// horizon, on PostgreSQL, is how far the sealer's floor may move
	// (seal_horizon.go).
	horizon *sealHorizon
	// exportConns holds a token for each connection that exports keep
	// for themselves (logbatches.go): at most half the pool, so that the
	// rest of the server always has the other half.
	exportConns chan struct{}
	// reads keeps, on SQLite with a group committer, what decisions read
	// (decision_reads.go).
	reads *decisionReads
	// writer, on SQLite with a group committer, is the gate the committer
	// holds through each group. A write beside the committer (the
	// sealer's) takes it too, so that the committer waits for the mutex
	// rather than in SQLite's busy handler, which sleeps 1, 2, then 5 ms
	// between tries (a group waited 7 ms behind a 2 ms seal).
	writer *sync.Mutex
}

// Options switches off, one by one, what makes SQLite fast (package
// sqlite), to measure each or to rule it out. The zero value keeps them
// all; on PostgreSQL they change nothing.
type Options struct {
	// NoStmtCache opens the driver's own connections, which prepare each
	// statement every time it runs, instead of ones that keep them.
	NoStmtCache bool
	// NoGroupCommit gives each change a transaction of its own.
	NoGroupCommit bool
	// NoCheckpointer leaves the checkpoints to SQLite, which runs them in
	// the commit that fills the write-ahead log.
	NoCheckpointer bool
}

// Open connects to a database with every SQLite tuning on. A dsn starting
// with postgres:// or postgresql:// means PostgreSQL; anything else is a
// SQLite file path (":memory:" for a private in-memory database).
func Open(dsn string) (*Store, error) { return OpenWith(dsn, Options{}) }

// OpenWith is Open with the SQLite tunings o leaves on.
func OpenWith(dsn string, o Options) (*Store, error) {
	cfg := &gorm.Config{Logger: logger.Discard, TranslateError: true, NowFunc: func() time.Time { return time.Now().UTC() }}
	var dial gorm.Dialector
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		dial = postgres.Open(dsn)
	default:
		checkpointer := !o.NoCheckpointer && dsn != sqlite.Memory
		dial = sqlite.Dialector(sqlite.DSN(dsn, checkpointer), !o.NoStmtCache)
	}
	db, err := gorm.Open(dial, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	maxOpen := 20
	if db.Dialector.Name() == "sqlite" {
		// One connection for writes would serialize everything; WAL lets
		// readers run beside the single writer, and immediate transactions
		// take the write lock up front so that busy_timeout can wait for it.
		maxOpen = 8
		if dsn == sqlite.Memory {
			maxOpen = 1
		}
	}
	sqlDB.SetMaxOpenConns(maxOpen)
	// Keep every connection when idle: a closed one loses the statements
	// it had prepared.
	sqlDB.SetMaxIdleConns(maxOpen)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	st := &Store{db: db, Now: func() time.Time { return time.Now().UTC() },
		Hashes: models.NewHashGate(models.DefaultHashSlots(), models.HashGateWait), cache: newClusterCache(), horizon: &sealHorizon{},
		exportConns: make(chan struct{}, maxOpen/2)}
	if db.Dialector.Name() == "sqlite" {
		gate := new(sync.Mutex)
		if !o.NoGroupCommit {
			st.group = sqlite.NewGroupCommitter(db, st.now, undoneByItself, gate, maxOpen > 1)
			st.reads = newDecisionReads()
			st.writer = gate
		}
		if !o.NoCheckpointer && dsn != sqlite.Memory {
			st.checkpoints = sqlite.NewCheckpointer(db, gate)
		}
	}
	return st, nil
}

// epoch is the group committer's Epoch, read inside one of its changes
// (0 without a committer, whose store keeps no reads).
func (s *Store) epoch() uint64 {
	if s.group == nil {
		return 0
	}
	return s.group.Epoch()
}

// Close closes the database.
func (s *Store) Close() error {
	if s.group != nil {
		s.group.Close()
	}
	if s.checkpoints != nil {
		s.checkpoints.Close()
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// IsPostgres reports whether the store runs on PostgreSQL.
func (s *Store) IsPostgres() bool { return s.db.Dialector.Name() == "postgres" }

// now reads the clock once, in UTC.
func (s *Store) now() time.Time { return s.Now().UTC() }

// inTx is a store that reads and writes through tx, a transaction of s,
// for operations made of other operations (the seeds). It has no group
// committer, checkpointer or cache of its own.
func (s *Store) inTx(tx *gorm.DB) *Store { return &Store{db: tx, Now: s.Now, horizon: s.horizon} }

// notFound converts gorm's not-found into the domain error.
func notFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.Errorf(models.ENOTFOUND, "No %s with that id.", what)
	}
	return err
}
