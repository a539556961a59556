package store

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
	moderncsqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// The two failures a change retries are told by the code the database
// gives them, never by their message. A statement made through GORM has
// its error translated (gorm.Config.TranslateError): the dialects turn a
// broken unique index into gorm.ErrDuplicatedKey by the same codes.

// PostgreSQL's codes (SQLSTATE) for a broken unique index, and for the two
// failures of concurrent transactions that retrying cures.
const (
	pgUniqueViolation      = "23505"
	pgSerializationFailure = "40001"
	pgDeadlockDetected     = "40P01"
)

// isUniqueViolation reports whether err comes from a unique index (a
// primary key is one).
func isUniqueViolation(err error) bool {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	if code, ok := pgCode(err); ok {
		return code == pgUniqueViolation
	}
	if code, ok := sqliteCode(err); ok {
		return code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// isSerializationFailure reports whether err says that a concurrent
// transaction got in the way: on PostgreSQL a serialization failure or a
// deadlock, on SQLite a busy database (whatever its extended code).
func isSerializationFailure(err error) bool {
	if code, ok := pgCode(err); ok {
		return code == pgSerializationFailure || code == pgDeadlockDetected
	}
	if code, ok := sqliteCode(err); ok {
		return code&0xff == sqlite3.SQLITE_BUSY
	}
	return false
}

// pgCode is the SQLSTATE of a PostgreSQL error in err's chain.
func pgCode(err error) (string, bool) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code, true
	}
	return "", false
}

// sqliteCode is the (extended) result code of a SQLite error in err's chain.
func sqliteCode(err error) (int, bool) {
	var se *moderncsqlite.Error
	if errors.As(err, &se) {
		return se.Code(), true
	}
	return 0, false
}
