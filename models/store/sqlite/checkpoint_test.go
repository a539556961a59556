package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"gorm.io/gorm"
)

// The files a round syncs before its RESTART are the database's own and
// its log's: a sync of any other file would leave the RESTART to sync
// them under the committer's gate again.
func TestARoundSyncsTheDatabaseAndItsLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sync.db")
	db, err := gorm.Open(Dialector(DSN(path, true), true), &gorm.Config{})
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sqlDB.Close() })
	ctx := context.Background()
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "CREATE TABLE t (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	var r checkpointRound
	files, err := r.openLogFiles(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	defer files.close()
	for _, f := range []struct {
		file *os.File
		path string
	}{{files.db, path}, {files.log, path + "-wal"}} {
		opened, err := f.file.Stat()
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.Stat(f.path)
		if err != nil {
			t.Fatal(err)
		}
		if !os.SameFile(opened, want) {
			t.Fatalf("opened %s for %s", opened.Name(), f.path)
		}
		if err := f.file.Sync(); err != nil {
			t.Fatalf("sync %s: %v", f.path, err)
		}
	}
}
