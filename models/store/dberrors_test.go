package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

// TestUniqueViolationsAreKnownByTheirCode provokes a broken primary key
// and a broken unique index on each database, through the connection (as
// the hot statements run) and through GORM (which translates the error):
// each is a unique violation and not a serialization failure, while a
// broken foreign key and a bad statement are neither.
func TestUniqueViolationsAreKnownByTheirCode(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		db := f.s.db.WithContext(ctx)
		v, err := f.s.ClusterByName(ctx, f.owner.Principal, f.prod.ID, "analytics")
		if err != nil {
			t.Fatal(err)
		}
		grant := func(id, clusterID string) models.Grant {
			return models.Grant{ID: id, ClusterID: clusterID, ProjectID: f.prod.ID, OrgID: f.org.ID, Type: models.GrantInfrastructure,
				ExpiresAt: models.At(f.clock.Add(time.Hour)), CreatedAt: models.At(f.clock), CreatedBy: "test"}
		}
		first := grant(models.NewID(f.clock), v.ID)
		if err := insertGrant(db, first); err != nil {
			t.Fatal(err)
		}
		// A closed copy of the first breaks its primary key alone: the
		// index of open grants does not hold closed ones.
		sameID := first
		sameID.ClosedAt = models.At(f.clock)
		second := grant(models.NewID(f.clock), v.ID)
		foreign := grant(models.NewID(f.clock), "no such cluster")
		cases := []struct {
			name                string
			err                 error
			unique, serializing bool
		}{
			{"primary key, on the connection", insertGrant(db, sameID), true, false},
			{"one open grant per cluster, on the connection", insertGrant(db, second), true, false},
			{"primary key, through GORM", db.Create(&sameID).Error, true, false},
			{"one open grant per cluster, through GORM", db.Create(&second).Error, true, false},
			{"foreign key, on the connection", insertGrant(db, foreign), false, false},
			{"foreign key, through GORM", db.Create(&foreign).Error, false, false},
			{"bad statement", db.Exec("SELECT no_such_column FROM grants").Error, false, false},
		}
		for _, tc := range cases {
			if tc.err == nil {
				t.Errorf("%s: no error", tc.name)
				continue
			}
			t.Logf("%s: %v", tc.name, tc.err)
			if got := isUniqueViolation(tc.err); got != tc.unique {
				t.Errorf("%s: isUniqueViolation(%v) = %v", tc.name, tc.err, got)
			}
			if got := isSerializationFailure(tc.err); got != tc.serializing {
				t.Errorf("%s: isSerializationFailure(%v) = %v", tc.name, tc.err, got)
			}
		}
	})
}

// TestSerializationFailuresAreKnownByTheirCode provokes what two
// concurrent transactions do to each other: on PostgreSQL a
// serialization failure (a repeatable-read transaction updating a row
// changed since its snapshot) and a deadlock; on SQLite a busy database
// (a writer that does not wait for the one holding the lock). Each is a
// serialization failure, none a unique violation.
func TestSerializationFailuresAreKnownByTheirCode(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		var errs map[string]error
		if f.s.IsPostgres() {
			errs = postgresConflicts(t, f)
		} else {
			errs = sqliteConflicts(t, f)
		}
		for name, err := range errs {
			if err == nil {
				t.Errorf("%s: no error", name)
				continue
			}
			if !isSerializationFailure(err) || isUniqueViolation(err) {
				t.Errorf("%s: %v is a serialization failure %v, a unique violation %v", name, err, isSerializationFailure(err), isUniqueViolation(err))
			}
		}
	})
}

var qTouchOrg = newQuery(`UPDATE organizations SET name = name WHERE id = ?`, "")

// postgresConflicts provokes a serialization failure and a deadlock.
func postgresConflicts(t *testing.T, f *fixture) map[string]error {
	ctx := context.Background()
	db := f.s.db.WithContext(ctx)
	other, err := f.s.CreateOrg(ctx, "Other Org")
	if err != nil {
		t.Fatal(err)
	}
	errs := map[string]error{}

	stale := db.Begin(&sql.TxOptions{Isolation: sql.LevelRepeatableRead})
	var n int64
	if err := stale.Raw(`SELECT COUNT(*) FROM organizations`).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := exec(db, qTouchOrg, f.org.ID); err != nil {
		t.Fatal(err)
	}
	_, errs["serialization failure"] = exec(stale, qTouchOrg, f.org.ID)
	stale.Rollback()

	// Two transactions take two rows' locks in opposite orders; the
	// server ends one of them (after deadlock_timeout, a second).
	a, b := db.Begin(), db.Begin()
	defer a.Rollback()
	defer b.Rollback()
	for _, step := range []struct {
		tx *gorm.DB
		id string
	}{{a, f.org.ID}, {b, other.ID}} {
		if _, err := exec(step.tx, qTouchOrg, step.id); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	var errA, errB error
	wg.Add(2)
	go func() { defer wg.Done(); _, errA = exec(a, qTouchOrg, other.ID); rollbackOn(a, errA) }()
	go func() { defer wg.Done(); _, errB = exec(b, qTouchOrg, f.org.ID); rollbackOn(b, errB) }()
	wg.Wait()
	errs["deadlock"] = errors.Join(errA, errB)
	return errs
}

// rollbackOn ends tx when it failed, which frees the locks it holds for
// the transaction it deadlocked with.
func rollbackOn(tx *gorm.DB, err error) {
	if err != nil {
		tx.Rollback()
	}
}

// sqliteConflicts provokes a busy database: one connection holds the
// write lock while another, with no busy timeout, asks for it.
func sqliteConflicts(t *testing.T, f *fixture) map[string]error {
	holder := f.s.db.Begin()
	if holder.Error != nil {
		t.Fatal(holder.Error)
	}
	defer holder.Rollback()
	if _, err := exec(holder, qTouchOrg, f.org.ID); err != nil {
		t.Fatal(err)
	}
	impatient, err := sql.Open("sqlite", "file:"+f.dsn+"?_pragma=busy_timeout(0)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer impatient.Close()
	_, busy := impatient.Exec(`UPDATE organizations SET name = name WHERE id = ?`, f.org.ID)
	return map[string]error{"busy database": busy}
}
