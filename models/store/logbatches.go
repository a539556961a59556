package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"supportaccess/models"
	"supportaccess/models/store/sqlite"
)

// How an export reads a log. Reading a row costs the server about twice
// what writing it out does, so the batches are read ahead, several at
// once, on connections of their own, while the oldest read is written.
// A planner finds, from the index alone, the time of every logBatch-th
// row; each batch is then the rows between two such times, which any
// reader can fetch without waiting for the batch before. The rows that
// share a batch's oldest time all fall into it, so a batch may hold a
// few more than logBatch.

// exportReaders is how many batches an export reads at once; at most
// that many more wait, read, for the one being written.
const exportReaders = 2

// exportCacheKiB is the SQLite page cache of an export's connections:
// the export reads each page once, in order, and the usual cache
// (sqlite.CacheKiB) would only fill each of them with pages no one reads
// again, which showed as 30 MB more memory for an export.
const exportCacheKiB = 1024

// exportGC counts the exports running: while any runs, the collector
// runs at exportGCPercent at most.
var exportGC struct {
	sync.Mutex
	running int
	before  int
}

// exportGCPercent is the collector's target while an export runs. The
// server's usual one (cmd_serve.go) lets the heap grow to five times what
// is live; an export's rows are garbage as soon as written, and at that
// rate they grew the heap by 15 to 25 MB for as long as it ran.
const exportGCPercent = 200

// tightGC lowers the collector's target for an export, until the
// function it returns is called.
func tightGC() func() {
	exportGC.Lock()
	defer exportGC.Unlock()
	if exportGC.running == 0 {
		exportGC.before = debug.SetGCPercent(exportGCPercent)
		if exportGC.before >= 0 && exportGC.before < exportGCPercent {
			debug.SetGCPercent(exportGC.before) // lowered already: kept
		}
	}
	exportGC.running++
	return func() {
		exportGC.Lock()
		defer exportGC.Unlock()
		if exportGC.running--; exportGC.running == 0 {
			debug.SetGCPercent(exportGC.before)
		}
	}
}

type logBatchRead[T any] struct {
	rows []T
	err  error
}

// eachLogRow calls fn with every row scope selects, newest first.
func eachLogRow[T any](ctx context.Context, s *Store, scope logScope, cols logColumns[T], fn func(*T) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	conns := make(chan *sql.Conn, exportReaders)
	for range exportReaders {
		c, err := s.exportConn(ctx)
		if err != nil {
			return err
		}
		if c == nil {
			break
		}
		defer s.releaseExportConn(c)
		conns <- c
	}
	if len(conns) == 0 {
		conns <- nil // one reader, on the pool's connections
	}
	order := make(chan chan logBatchRead[T], exportReaders)
	var planErr error
	go func() {
		defer close(order)
		planErr = planLogBatches(ctx, scope, cols, conns, order)
	}()
	// Every batch read is taken, even after an error, so that each
	// reader has given its connection back when this returns.
	var err error
	for next := range order {
		b := <-next
		if err == nil {
			err = b.err
		}
		for i := 0; err == nil && i < len(b.rows); i++ {
			err = fn(&b.rows[i])
		}
		if err != nil {
			cancel()
		}
	}
	if err != nil {
		return err
	}
	return planErr
}

// planLogBatches plans the batches newest first and starts the read of
// each on a free connection, queuing it in order.
func planLogBatches[T any](ctx context.Context, scope logScope, cols logColumns[T], conns chan *sql.Conn, order chan<- chan logBatchRead[T]) error {
	older, first := int64(0), true // the batch's rows are older than this, unless first
	for {
		from, more, err := batchStart(scope, older, first)
		if err != nil {
			return err
		}
		next := make(chan logBatchRead[T], 1)
		var conn *sql.Conn
		select {
		case order <- next:
		case <-ctx.Done():
			return ctx.Err()
		}
		select {
		case conn = <-conns:
		case <-ctx.Done():
			next <- logBatchRead[T]{err: ctx.Err()}
			return ctx.Err()
		}
		go func(older int64, first bool) {
			rows, err := readLogBatch(conn, scope, cols, older, first, from, more)
			conns <- conn
			next <- logBatchRead[T]{rows, err}
		}(older, first)
		if !more {
			return nil
		}
		older, first = from, false
	}
}

// batchStart is the time of the logBatch-th row older than older (of the
// newest, when first), and false when there are fewer.
func batchStart(scope logScope, older int64, first bool) (int64, bool, error) {
	var at []int64
	err := batchRange(scope, older, first, 0, false).Order("created_at DESC").Offset(logBatch-1).Limit(1).Pluck("created_at", &at).Error
	if err != nil {
		return 0, false, fmt.Errorf("export: plan: %w", err)
	}
	if len(at) == 0 {
		return 0, false, nil
	}
	return at[0], true, nil
}

// readLogBatch reads, on conn, the rows older than older (unless first)
// and, when bounded, dated from on.
func readLogBatch[T any](conn *sql.Conn, scope logScope, cols logColumns[T], older int64, first bool, from int64, bounded bool) ([]T, error) {
	q := onConn(batchRange(scope, older, first, from, bounded).Order("created_at DESC, id DESC").Select(cols.list), conn)
	if conn != nil && q.Dialector.Name() == "postgres" {
		return readLogBatchPgx[T](conn, q, cols)
	}
	r, err := q.Rows()
	if err != nil {
		return nil, err
	}
	rows := make([]T, 0, logBatch)
	for r.Next() {
		rows = append(rows, *new(T))
		if err := r.Scan(cols.targets(&rows[len(rows)-1])...); err != nil {
			r.Close()
			return nil, err
		}
	}
	return rows, errors.Join(r.Err(), r.Close())
}

// readLogBatchPgx reads q's rows on conn, a PostgreSQL connection,
// through pgx itself rather than database/sql: there each column became a
// string, then an interface, then was copied into its target, and an
// export's server spent a third of its CPU doing so (21 µs a row on the
// bench's machine).
func readLogBatchPgx[T any](conn *sql.Conn, q *gorm.DB, cols logColumns[T]) ([]T, error) {
	stmt := q.Session(&gorm.Session{DryRun: true}).Find(&[]T{}).Statement
	if stmt.Error != nil {
		return nil, stmt.Error
	}
	ctx, text, args := stmt.Context, stmt.SQL.String(), stmt.Vars
	rows := make([]T, 0, logBatch)
	err := withPgx(conn, func(pc *pgx.Conn) error {
		r, err := pc.Query(ctx, text, args...)
		if err != nil {
			return err
		}
		defer r.Close()
		for r.Next() {
			rows = append(rows, *new(T))
			if err := r.Scan(cols.targets(&rows[len(rows)-1])...); err != nil {
				return err
			}
		}
		return r.Err()
	})
	return rows, err
}

// batchRange is the query of scope's rows older than older (unless first)
// and dated from on (when bounded), with one bound of each side at most:
// given two, SQLite may read the index from the looser one. older and
// from are times of rows the filter selects, inside its range.
func batchRange(scope logScope, older int64, first bool, from int64, bounded bool) *gorm.DB {
	q := scope.filter()
	if first {
		if !scope.max.IsZero() {
			q = q.Where("created_at <= ?", models.At(scope.max))
		}
	} else {
		q = q.Where("created_at < ?", older)
	}
	if bounded {
		q = q.Where("created_at >= ?", from)
	} else if !scope.min.IsZero() {
		q = q.Where("created_at >= ?", models.At(scope.min))
	}
	return q
}

// exportConn takes a connection from the pool for an export, with a
// small page cache on SQLite, until releaseExportConn; or nil when the
// exports running hold their share of the pool already (exportConns),
// and the export's reads go through the pool.
func (s *Store) exportConn(ctx context.Context) (*sql.Conn, error) {
	select {
	case s.exportConns <- struct{}{}:
	default:
		return nil, nil
	}
	sqlDB, err := s.db.DB()
	var c *sql.Conn
	if err == nil {
		c, err = sqlDB.Conn(ctx)
	}
	if err != nil {
		<-s.exportConns
		return nil, err
	}
	if s.IsPostgres() {
		return c, nil
	}
	if _, err := c.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", exportCacheKiB)); err != nil {
		s.releaseExportConn(c)
		return nil, err
	}
	return c, nil
}

// releaseExportConn gives c back to the pool with its usual cache, or
// closes it when that cannot be set.
func (s *Store) releaseExportConn(c *sql.Conn) {
	if c == nil {
		return
	}
	if !s.IsPostgres() {
		if _, err := c.ExecContext(context.Background(), fmt.Sprintf("PRAGMA cache_size = -%d", sqlite.CacheKiB)); err != nil {
			_ = c.Raw(func(any) error { return driver.ErrBadConn })
		}
	}
	_ = c.Close()
	<-s.exportConns
}

// onExportConn is db under ctx with its statements run on c, an
// export's connection, if not nil.
func onExportConn(ctx context.Context, db *gorm.DB, c *sql.Conn) *gorm.DB {
	return onConn(db.WithContext(ctx), c) // WithContext: a statement of its own
}

// onConn runs q, a statement of its own, on c if not nil.
func onConn(q *gorm.DB, c *sql.Conn) *gorm.DB {
	if c != nil {
		q.Statement.ConnPool = c
	}
	return q
}
