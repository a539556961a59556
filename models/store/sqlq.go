package store

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
)

// The statements on the hottest paths (an access decision, a grant, a
// revoke, their events) go straight to the transaction's connection:
// building each through GORM cost several microseconds a statement,
// which added up to a fifth of a decision's CPU.

// query is one statement written with ? placeholders, and its PostgreSQL
// spelling, made once.
type query struct{ sqlite, postgres string }

// newQuery prepares q for both databases; pgSuffix is added on PostgreSQL
// only (a row lock, which SQLite's single writer does not need). q must not
// contain a literal question mark.
func newQuery(q, pgSuffix string) query {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return query{sqlite: q, postgres: b.String() + pgSuffix}
}

func (q query) text(tx *gorm.DB) string {
	if tx.Dialector.Name() == "postgres" {
		return q.postgres
	}
	return q.sqlite
}

// queryRow runs q in tx's transaction and returns its one row.
func queryRow(tx *gorm.DB, q query, args ...any) *sql.Row {
	return tx.Statement.ConnPool.QueryRowContext(tx.Statement.Context, q.text(tx), args...)
}

// exec runs q in tx's transaction and returns the rows it changed.
func exec(tx *gorm.DB, q query, args ...any) (int64, error) {
	res, err := tx.Statement.ConnPool.ExecContext(tx.Statement.Context, q.text(tx), args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// withPgx runs fn with the pgx connection under c, a connection of a
// PostgreSQL store, for what database/sql cannot do or does slowly (COPY,
// scanning straight into the targets).
func withPgx(c *sql.Conn, fn func(*pgx.Conn) error) error {
	return c.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("the connection is a %T, not pgx's", dc)
		}
		return fn(sc.Conn())
	})
}
