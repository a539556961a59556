// Package sqlite holds what only SQLite needs to be fast under the
// console's load: connections that keep their prepared statements
// (stmtcache.go), group commit (groupcommit.go) and checkpoints run in the
// background rather than by committers (checkpoint.go). The store (package
// store) decides which to use; each can be switched off on its own
// (store.Options), and the product behaves the same without them, only
// slower. Nothing here knows the console's tables.
package sqlite

import (
	"os"
	"path/filepath"
	"strconv"

	gormsqlite "github.com/libtnb/sqlite"
	"gorm.io/gorm"
)

// Memory is the path of a private in-memory database.
const Memory = ":memory:"

// CacheKiB is the page cache of each connection, in KiB.
const CacheKiB = 8000

// DSN is the driver's name for the database at path, with the settings we
// rely on: WAL so that readers do not block the writer, a busy timeout
// instead of immediate "database is locked", synchronous=NORMAL which in
// WAL mode keeps every committed transaction across a process crash (kill
// -9), a page cache of up to 8 MB per connection (with the default 2 MB
// the committing connection read the decision indexes' pages back from
// disk), foreign keys, and immediate transactions so that two writers
// queue instead of deadlocking. With backgroundCheckpoints, committers
// never checkpoint: a Checkpointer must (checkpoint.go); without, SQLite's
// own automatic checkpoints run. journal_size_limit(-1) keeps the log
// file's size when a commit starts it over: cutting it there stalled the
// commit (checkpoint.go). The folder
// of path is made if missing.
func DSN(path string, backgroundCheckpoints bool) string {
	if path == Memory {
		return "file::memory:?_pragma=foreign_keys(1)&_txlock=immediate"
	}
	if dir := filepath.Dir(path); dir != "." {
		_ = os.MkdirAll(dir, 0o700)
	}
	// The database holds password hashes, Digest HA1s (a credential in
	// themselves) and cookie keys: a new file is its owner's only. SQLite
	// gives its -wal and -shm files the mode of the database file.
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600); err == nil {
		_ = f.Close()
	}
	checkpoints := ""
	if backgroundCheckpoints {
		checkpoints = "&_pragma=wal_autocheckpoint(0)"
	}
	return "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" + checkpoints + "&_pragma=journal_size_limit(-1)&_pragma=cache_size(-" + strconv.Itoa(CacheKiB) + ")&_pragma=foreign_keys(1)&_txlock=immediate"
}

// Dialector is GORM's dialect on a pool of connections to dsn (see OpenDB
// for keepStatements).
func Dialector(dsn string, keepStatements bool) gorm.Dialector {
	return gormsqlite.New(gormsqlite.Config{Conn: OpenDB(dsn, keepStatements)})
}
