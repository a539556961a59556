package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"reflect"

	moderncsqlite "modernc.org/sqlite"
)

// SQLite parses and plans a statement each time it is prepared, and on the
// pure-Go driver that costs more than running it: about two thirds of the
// CPU of an access decision went to the parser. database/sql keeps prepared
// statements only outside transactions, and every write here runs in one,
// so the connections below keep their own: each SQL text is prepared once
// per connection and reused until the connection closes.

// stmtCacheSize bounds the statements one connection keeps. The console
// runs a few dozen distinct statements; texts beyond the bound (IN lists of
// varying length) are prepared, run and closed as before.
const stmtCacheSize = 256

// OpenDB opens a pool of SQLite connections on dsn. With keepStatements
// they keep their prepared statements; without, they are the driver's
// own, which prepare a statement each time it runs.
func OpenDB(dsn string, keepStatements bool) *sql.DB {
	return sql.OpenDB(connector{dsn: dsn, keep: keepStatements})
}

type connector struct {
	dsn  string
	keep bool
}

func (c connector) Connect(context.Context) (driver.Conn, error) {
	conn, err := (&moderncsqlite.Driver{}).Open(c.dsn)
	if err != nil {
		return nil, err
	}
	if !c.keep {
		return conn, nil
	}
	return &cachingConn{Conn: conn, stmts: map[string]*cachedStmt{}}, nil
}

func (c connector) Driver() driver.Driver { return &moderncsqlite.Driver{} }

// KeepsStatements reports whether a connection of a pool OpenDB opened
// (database/sql's Conn.Raw hands it out) keeps its statements.
func KeepsStatements(driverConn any) bool {
	_, ok := driverConn.(*cachingConn)
	return ok
}

// cachingConn is one SQLite connection with its statements. database/sql
// uses a connection from one goroutine at a time, so it needs no lock.
type cachingConn struct {
	driver.Conn
	stmts map[string]*cachedStmt
}

// cachedStmt is a kept statement; busy while rows read from it are open,
// because running it again would reset those rows.
type cachedStmt struct {
	driver.Stmt
	busy bool
}

// driverConn is what the modernc connection implements beyond driver.Conn.
type driverConn interface {
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

func (c *cachingConn) inner() driverConn { return c.Conn.(driverConn) }

// stmt returns a statement for query and whether it is kept; a statement
// that is not kept must be closed by the caller after use.
func (c *cachingConn) stmt(ctx context.Context, query string) (*cachedStmt, bool, error) {
	if s, ok := c.stmts[query]; ok && !s.busy {
		return s, true, nil
	}
	ds, err := c.inner().PrepareContext(ctx, query)
	if err != nil {
		return nil, false, err
	}
	s := &cachedStmt{Stmt: ds}
	if _, taken := c.stmts[query]; !taken && len(c.stmts) < stmtCacheSize {
		c.stmts[query] = s
		return s, true, nil
	}
	return s, false, nil
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	s, kept, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	res, err := s.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
	if !kept {
		err = errors.Join(err, s.Close())
	}
	return res, err
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s, kept, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	rows, err := s.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		if !kept {
			err = errors.Join(err, s.Close())
		}
		return nil, err
	}
	s.busy = true
	return &cachedRows{Rows: rows, stmt: s, kept: kept}, nil
}

func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.inner().BeginTx(ctx, opts)
}

// PrepareContext is for callers that manage the statement themselves
// (database/sql's Prepare); those statements are not kept here.
func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.inner().PrepareContext(ctx, query)
}

func (c *cachingConn) Ping(ctx context.Context) error { return c.inner().Ping(ctx) }

func (c *cachingConn) ResetSession(ctx context.Context) error {
	return c.inner().ResetSession(ctx)
}

func (c *cachingConn) IsValid() bool { return c.inner().IsValid() }

// Close finalizes the kept statements, then closes the connection.
func (c *cachingConn) Close() error {
	var errs []error
	for q, s := range c.stmts {
		errs = append(errs, s.Close())
		delete(c.stmts, q)
	}
	errs = append(errs, c.Conn.Close())
	return errors.Join(errs...)
}

// cachedRows frees its statement for reuse, or closes one not kept.
type cachedRows struct {
	driver.Rows
	stmt   *cachedStmt
	kept   bool
	closed bool
}

func (r *cachedRows) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	err := r.Rows.Close()
	r.stmt.busy = false
	if !r.kept {
		err = errors.Join(err, r.stmt.Close())
	}
	return err
}

// The column-type methods pass through what the driver reports, which
// GORM reads when it scans rows and migrates.

// rowsColumnTypes is what modernc's rows report about their columns.
type rowsColumnTypes interface {
	driver.RowsColumnTypeDatabaseTypeName
	driver.RowsColumnTypeLength
	driver.RowsColumnTypeNullable
	driver.RowsColumnTypePrecisionScale
	driver.RowsColumnTypeScanType
}

func (r *cachedRows) types() rowsColumnTypes { return r.Rows.(rowsColumnTypes) }

func (r *cachedRows) ColumnTypeDatabaseTypeName(i int) string {
	return r.types().ColumnTypeDatabaseTypeName(i)
}

func (r *cachedRows) ColumnTypeLength(i int) (int64, bool) { return r.types().ColumnTypeLength(i) }

func (r *cachedRows) ColumnTypeNullable(i int) (bool, bool) { return r.types().ColumnTypeNullable(i) }

func (r *cachedRows) ColumnTypePrecisionScale(i int) (int64, int64, bool) {
	return r.types().ColumnTypePrecisionScale(i)
}

func (r *cachedRows) ColumnTypeScanType(i int) reflect.Type { return r.types().ColumnTypeScanType(i) }
