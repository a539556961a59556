package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"supportaccess/models/store/sqlite"

	"supportaccess/models"
)

// TestGroupCommitKeepsEachChangeApart drives many changes at once through
// retry on SQLite, where they share transactions: the ones that fail, or
// panic, leave nothing behind, and every one that reported success is in
// the database exactly once.
func TestGroupCommitKeepsEachChangeApart(t *testing.T) {
	f := newFixture(t)
	if f.s.group == nil {
		t.Fatal("a SQLite store has no group committer")
	}
	ctx := context.Background()
	const n = 400
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					errs[i] = fmt.Errorf("panic reached the caller: %v", p)
				}
			}()
			errs[i] = f.s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
				if err := tx.Exec("INSERT INTO settings (key, value) VALUES (?, ?)", fmt.Sprintf("gc-%03d", i), "x").Error; err != nil {
					return err
				}
				switch i % 10 {
				case 3:
					return models.Errorf(models.EINVALID, "change %d refused", i)
				case 7:
					panic(fmt.Sprintf("change %d broke", i))
				}
				return nil
			})
		}()
	}
	wg.Wait()

	var keys []string
	if err := f.s.db.Raw("SELECT key FROM settings WHERE key LIKE 'gc-%' ORDER BY key").Scan(&keys).Error; err != nil {
		t.Fatal(err)
	}
	kept := map[string]bool{}
	for _, k := range keys {
		if kept[k] {
			t.Errorf("%s stored twice", k)
		}
		kept[k] = true
	}
	for i, err := range errs {
		key := fmt.Sprintf("gc-%03d", i)
		switch i % 10 {
		case 3:
			if models.ErrorCode(err) != models.EINVALID {
				t.Errorf("change %d: got %v, want its own refusal", i, err)
			}
		case 7:
			if err == nil || models.ErrorCode(err) != models.EINTERNAL {
				t.Errorf("change %d: got %v, want an internal error for the panic", i, err)
			}
		default:
			if err != nil {
				t.Errorf("change %d: %v", i, err)
			}
		}
		if want := err == nil; kept[key] != want {
			t.Errorf("change %d (err %v): stored %v, want %v", i, err, kept[key], want)
		}
	}
	if want := n - 2*n/10; len(keys) != want {
		t.Errorf("stored %d changes, want %d", len(keys), want)
	}
}

// qInsertSetting writes one setting, for the tests' changes.
var qInsertSetting = newQuery("INSERT INTO settings (key, value) VALUES (?, ?)", "")

// TestGroupCommitRecordsWithoutSavepoints: changes whose one write is
// their last statement share groups with ordinary changes and run without
// a savepoint; one that fails or panics before its write, or whose write
// fails, leaves nothing behind and takes no other change with it.
func TestGroupCommitRecordsWithoutSavepoints(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if err := f.s.db.Exec("INSERT INTO settings (key, value) VALUES ('rec-taken', 'x')").Error; err != nil {
		t.Fatal(err)
	}
	const n = 300
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := fmt.Sprintf("rec-%03d", i)
			write := func(tx *gorm.DB) error {
				return tx.Exec("INSERT INTO settings (key, value) VALUES (?, ?)", key, "x").Error
			}
			if i%2 == 0 {
				// An ordinary change, in its savepoint, beside the records.
				errs[i] = f.s.retry(ctx, func(tx *gorm.DB, now time.Time) error { return write(tx) })
				return
			}
			errs[i] = f.s.retryRecord(ctx, func(tx *gorm.DB, now time.Time) (query, []any, error) {
				var seen int64
				if err := tx.Raw("SELECT COUNT(*) FROM settings").Scan(&seen).Error; err != nil {
					return query{}, nil, err
				}
				switch i % 10 {
				case 3:
					return query{}, nil, models.Errorf(models.EINVALID, "record %d refused", i)
				case 5:
					key = "rec-taken" // the write itself fails
				case 7:
					panic(fmt.Sprintf("record %d broke", i))
				}
				return qInsertSetting, []any{key, "x"}, nil
			})
		}()
	}
	wg.Wait()
	var keys []string
	if err := f.s.db.Raw("SELECT key FROM settings WHERE key LIKE 'rec-%' AND key <> 'rec-taken' ORDER BY key").Scan(&keys).Error; err != nil {
		t.Fatal(err)
	}
	kept := map[string]bool{}
	for _, k := range keys {
		kept[k] = true
	}
	for i, err := range errs {
		wantErr := i%2 == 1 && (i%10 == 3 || i%10 == 5 || i%10 == 7)
		if (err != nil) != wantErr {
			t.Errorf("change %d: got %v, want an error %v", i, err, wantErr)
		}
		if key := fmt.Sprintf("rec-%03d", i); kept[key] != !wantErr {
			t.Errorf("change %d (err %v): stored %v", i, err, kept[key])
		}
	}
	if want := n - 3*n/10; len(keys) != want {
		t.Errorf("stored %d changes, want %d", len(keys), want)
	}
}

// TestGroupCommitEndsAGroupWhoseTransactionEnded: a change that fails
// after the group's transaction itself has ended (as SQLite ends it on a
// full disk or an I/O error; here the change ends it) takes the group
// with it. The other changes are run again in a new transaction and kept
// once; none goes on outside a transaction, to be kept while its caller
// hears of a failed commit.
func TestGroupCommitEndsAGroupWhoseTransactionEnded(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const n = 200
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := fmt.Sprintf("end-%03d", i)
			read := func(tx *gorm.DB, now time.Time) (query, []any, error) {
				if i%50 == 7 {
					if err := tx.Exec("ROLLBACK").Error; err != nil {
						return query{}, nil, err
					}
					return query{}, nil, fmt.Errorf("change %d: the transaction ended under it", i)
				}
				return qInsertSetting, []any{key, "x"}, nil
			}
			if i%2 == 1 {
				errs[i] = f.s.retryRecord(ctx, read)
				return
			}
			errs[i] = f.s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
				q, args, err := read(tx, now)
				if err != nil {
					return err
				}
				_, err = exec(tx, q, args...)
				return err
			})
		}()
	}
	wg.Wait()
	var keys []string
	if err := f.s.db.Raw("SELECT key FROM settings WHERE key LIKE 'end-%' ORDER BY key").Scan(&keys).Error; err != nil {
		t.Fatal(err)
	}
	kept := map[string]bool{}
	for _, k := range keys {
		kept[k] = true
	}
	for i, err := range errs {
		ended := i%50 == 7
		if ended != (err != nil) {
			t.Errorf("change %d: got %v", i, err)
		}
		if key := fmt.Sprintf("end-%03d", i); kept[key] == ended {
			t.Errorf("change %d (err %v): stored %v", i, err, kept[key])
		}
	}
	if len(keys) != n-n/50 {
		t.Errorf("stored %d changes, want %d", len(keys), n-n/50)
	}
	// The store still commits.
	if err := f.s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
		return tx.Exec("INSERT INTO settings (key, value) VALUES ('end-after', 'x')").Error
	}); err != nil {
		t.Fatal(err)
	}
}

// TestGroupCommitAfterClose: a change queued after Close is refused, and
// does not hang.
func TestGroupCommitAfterClose(t *testing.T) {
	s := openTestStore(t, testDSN(t, onSQLite))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		done <- s.retry(context.Background(), func(tx *gorm.DB, now time.Time) error { return nil })
	}()
	select {
	case err := <-done:
		if !errors.Is(err, sqlite.ErrClosed) {
			t.Fatalf("got %v, want the store's closed error", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a change after Close hung")
	}
}

// TestGroupCommitCallerGone: a caller whose context has ended is told so
// and its change is not run.
func TestGroupCommitCallerGone(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	err := f.s.retry(ctx, func(tx *gorm.DB, now time.Time) error { ran = true; return nil })
	if !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("got %v, ran %v; want context.Canceled and no run", err, ran)
	}
}
