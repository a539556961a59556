package store

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

// TestCheckpointsRunInTheBackground: commits never copy the log back
// themselves (wal_autocheckpoint is 0), yet what they wrote reaches the
// database file within moments, through the store's own checkpoints.
func TestCheckpointsRunInTheBackground(t *testing.T) {
	dsn := testDSN(t, onSQLite)
	s := openTestStore(t, dsn)
	var auto int
	if err := s.db.Raw("PRAGMA wal_autocheckpoint").Scan(&auto).Error; err != nil || auto != 0 {
		t.Fatalf("wal_autocheckpoint = %d (%v), want 0", auto, err)
	}
	before := fileSize(t, dsn)
	pad := strings.Repeat("x", 4000)
	for i := range 50 {
		err := s.retry(context.Background(), func(tx *gorm.DB, now time.Time) error {
			for j := range 20 {
				if err := tx.Exec("INSERT INTO settings (key, value) VALUES (?, ?)", models.NewID(now)+string(rune('a'+i%26))+string(rune('a'+j)), pad).Error; err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// 1,000 rows of 4 KB: about 4 MB in the log, to be copied back.
	deadline := time.Now().Add(5 * time.Second)
	for fileSize(t, dsn) < before+3<<20 {
		if time.Now().After(deadline) {
			t.Fatalf("the database file is %d bytes 5 s after 4 MB of commits (was %d): no checkpoint ran", fileSize(t, dsn), before)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
