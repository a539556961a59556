package models

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/libtnb/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Store is the storage of the console. Now is the clock; every operation
// reads it once so that a transaction sees one instant.
type Store struct {
	DB  *gorm.DB
	Now func() time.Time
	// group, on SQLite, commits the changes that go through retry in
	// groups (see groupcommit.go). Queuing in Go also keeps those writers
	// out of SQLite's busy handler, which sleeps whole milliseconds
	// between tries. nil on PostgreSQL, where each change has its own
	// transaction and row locks let them run side by side, and in a Store
	// wrapping a transaction.
	group *groupCommitter
	// checkpoints, on a SQLite file, copies the write-ahead log back in
	// the background (see checkpoint.go).
	checkpoints *checkpointer
	// cache keeps projects' cluster lists while they are current
	// (clustercache.go).
	cache *clusterCache
}

// Open connects to a database. A dsn starting with postgres:// or
// postgresql:// means PostgreSQL; anything else is a SQLite file path
// (":memory:" for a private in-memory database).
func Open(dsn string) (*Store, error) {
	cfg := &gorm.Config{Logger: logger.Discard, TranslateError: true, NowFunc: func() time.Time { return time.Now().UTC() }}
	var dial gorm.Dialector
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		dial = postgres.Open(dsn)
	default:
		dial = sqlite.New(sqlite.Config{Conn: openSQLite(sqliteDSN(dsn))})
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
		if dsn == ":memory:" {
			maxOpen = 1
		}
	}
	sqlDB.SetMaxOpenConns(maxOpen)
	// Keep every connection when idle: a closed one loses the statements
	// it had prepared.
	sqlDB.SetMaxIdleConns(maxOpen)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	st := &Store{DB: db, Now: func() time.Time { return time.Now().UTC() }, cache: newClusterCache()}
	if db.Dialector.Name() == "sqlite" {
		st.group = newGroupCommitter(st)
		if dsn != ":memory:" {
			st.checkpoints = newCheckpointer(st)
		}
	}
	return st, nil
}

// sqliteDSN adds the settings we rely on: WAL so that readers do not block
// the writer, a busy timeout instead of immediate "database is locked",
// synchronous=NORMAL which in WAL mode keeps every committed transaction
// across a process crash (kill -9), no checkpoints by committers (the
// store runs them; see checkpoint.go), a page cache of up to 8 MB per
// connection (with the default 2 MB the committing connection read the
// decision indexes' pages back from disk), foreign keys, and immediate
// transactions so that two writers queue instead of deadlocking.
func sqliteDSN(path string) string {
	if path == ":memory:" {
		return "file::memory:?_pragma=foreign_keys(1)&_txlock=immediate"
	}
	if dir := filepath.Dir(path); dir != "." {
		_ = os.MkdirAll(dir, 0o700)
	}
	return "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=wal_autocheckpoint(0)&_pragma=cache_size(-8000)&_pragma=foreign_keys(1)&_txlock=immediate"
}

// Close closes the database.
func (s *Store) Close() error {
	if s.group != nil {
		s.group.close()
	}
	if s.checkpoints != nil {
		s.checkpoints.close()
	}
	sqlDB, err := s.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// IsPostgres reports whether the store runs on PostgreSQL.
func (s *Store) IsPostgres() bool { return s.DB.Dialector.Name() == "postgres" }

// now reads the clock once, in UTC.
func (s *Store) now() time.Time { return s.Now().UTC() }

// isUniqueViolation reports whether err comes from a unique index.
func isUniqueViolation(err error) bool {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}

// errConflict signals a lost race inside a transaction; the caller retries.
var errConflict = Errorf(ECONFLICT, "Another change to this cluster happened at the same moment. Try again.")

// retry runs fn in a transaction, again when it loses a race to a
// concurrent writer (unique index or conditional update).
func (s *Store) retry(ctx context.Context, fn func(tx *gorm.DB, now time.Time) error) error {
	return s.retryChange(ctx, fn, false)
}

// retryRecord is retry for a change whose one write is a single statement
// made last, such as recording a decision: read reads what the change
// needs and returns that statement with its arguments, and retryRecord
// runs it. On SQLite the change joins its group without a savepoint of its
// own (groupcommit.go), which holds because nothing else in it writes.
func (s *Store) retryRecord(ctx context.Context, read func(tx *gorm.DB, now time.Time) (query, []any, error)) error {
	return s.retryChange(ctx, func(tx *gorm.DB, now time.Time) error {
		q, args, err := read(tx, now)
		if err != nil {
			return err
		}
		_, err = exec(tx, q, args...)
		return err
	}, true)
}

func (s *Store) retryChange(ctx context.Context, fn func(tx *gorm.DB, now time.Time) error, lastWriteOnly bool) error {
	var err error
	for attempt := 0; attempt < 8; attempt++ {
		if s.group != nil {
			err = s.group.run(ctx, fn, lastWriteOnly)
		} else {
			now := s.now()
			err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return fn(tx, now) })
		}
		if err == nil {
			return nil
		}
		if !(errors.Is(err, errConflict) || errors.Is(err, errGroupAborted) || isUniqueViolation(err) || isSerializationFailure(err)) {
			return err
		}
		time.Sleep(time.Duration(attempt+1) * 3 * time.Millisecond)
	}
	if isUniqueViolation(err) || isSerializationFailure(err) {
		return errConflict
	}
	return err
}

func isSerializationFailure(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "SQLSTATE 40001") || strings.Contains(msg, "SQLSTATE 40P01") || strings.Contains(msg, "database is locked") || strings.Contains(msg, "SQLITE_BUSY")
}

// notFound converts gorm's not-found into the domain error.
func notFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Errorf(ENOTFOUND, "No %s with that id.", what)
	}
	return err
}
