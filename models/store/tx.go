package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
	"supportaccess/models/store/sqlite"
)

// errConflict signals a lost race inside a transaction; the caller retries.
var errConflict = models.Errorf(models.ECONFLICT, "Another change to this cluster happened at the same moment. Try again.")

// retry runs fn in a transaction, again when it loses a race to a
// concurrent writer (unique index or conditional update).
func (s *Store) retry(ctx context.Context, fn func(tx *gorm.DB, now time.Time) error) error {
	return s.retryChange(ctx, fn, sqlite.Writes)
}

// retryRecord is retry for a change whose one write is a single statement
// made last, that appends a record no change reads to decide (recording a
// decision): read reads what the change needs and returns that statement
// with its arguments, and retryRecord runs it. On SQLite the change joins
// its group without a savepoint of its own, which holds because nothing
// else in it writes, and it leaves the committer's Epoch as it is
// (sqlite/groupcommit.go).
func (s *Store) retryRecord(ctx context.Context, read func(tx *gorm.DB, now time.Time) (query, []any, error)) error {
	return s.retryChange(ctx, func(tx *gorm.DB, now time.Time) error {
		q, args, err := read(tx, now)
		if err != nil {
			return err
		}
		_, err = exec(tx, q, args...)
		return err
	}, sqlite.Appends)
}

func (s *Store) retryChange(ctx context.Context, fn func(tx *gorm.DB, now time.Time) error, kind sqlite.Kind) error {
	var err error
	for attempt := 0; attempt < 8; attempt++ {
		if s.group != nil {
			err = s.group.Run(ctx, fn, kind)
		} else {
			now := s.now()
			err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return fn(tx, now) })
		}
		if err == nil {
			return nil
		}
		if !(errors.Is(err, errConflict) || errors.Is(err, sqlite.ErrGroupAborted) || isUniqueViolation(err) || isSerializationFailure(err)) {
			return err
		}
		time.Sleep(time.Duration(attempt+1) * 3 * time.Millisecond)
	}
	if isUniqueViolation(err) || isSerializationFailure(err) {
		return errConflict
	}
	return err
}

// undoneByItself reports whether a change's failure was undone by the
// change alone, so that the other changes of its group go on: a refusal
// (a domain error), a lost race, a broken unique index. The group
// committer ends the group on any other failure.
func undoneByItself(err error) bool {
	return models.ErrorCode(err) != models.EINTERNAL || isUniqueViolation(err) || errors.Is(err, errConflict)
}
