package models

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"gorm.io/gorm"
)

// Group commit, on SQLite. SQLite has one writer at a time, and on the
// pure-Go driver beginning and committing a transaction cost as much as the
// work inside it: a recorded access decision spent a third of its CPU there
// and in writing the log. So the changes that go through retry queue here,
// and one goroutine runs whatever has queued in one transaction, each change
// inside its own savepoint (but a recorded decision, whose one write is its
// last statement, needs none). A change still reads the state and writes
// its records in the transaction that commits them; a change that fails
// rolls back to its savepoint alone; nobody hears "done" before the commit.
// A failure that may have ended the transaction itself (SQLite rolls a
// whole transaction back on a full disk, an I/O error or no memory) ends
// the group: the others are run again in a new one, rather than go on
// outside any transaction. Under load many changes share one commit, and
// alone a change commits at once.

// maxGroup bounds the changes in one transaction, which holds SQLite's
// write lock for its duration.
const maxGroup = 128

// errStoreClosed answers a change queued after Close.
var errStoreClosed = errors.New("the store is closed")

// errGroupAborted tells a change that it did not run, or was undone,
// because another change of its group failed in a way that may have ended
// the group's transaction; retry runs it again.
var errGroupAborted = errors.New("another change of its group failed")

// errChangePanicked marks the failure of a change that panicked.
var errChangePanicked = errors.New("change panicked")

type groupJob struct {
	ctx context.Context
	fn  func(tx *gorm.DB, now time.Time) error
	// lastWriteOnly marks a change whose one write is its last statement
	// (a recorded decision): it needs no savepoint, since a failing read
	// has written nothing and a failing statement undoes itself.
	lastWriteOnly bool
	done          chan error
}

type groupCommitter struct {
	jobs chan *groupJob
	stop chan struct{}
	// exited closes when the loop has returned; a change queued after its
	// last drain is answered by run itself.
	exited chan struct{}
	once   sync.Once
}

func newGroupCommitter(s *Store) *groupCommitter {
	g := &groupCommitter{jobs: make(chan *groupJob, maxGroup), stop: make(chan struct{}), exited: make(chan struct{})}
	go func() {
		defer close(g.exited)
		g.loop(s)
	}()
	return g
}

// run queues fn and waits for its outcome. A caller whose context ends
// stops waiting; its change may still commit, as a request's would if the
// client hung up during the commit.
func (g *groupCommitter) run(ctx context.Context, fn func(tx *gorm.DB, now time.Time) error, lastWriteOnly bool) error {
	select {
	case <-g.stop:
		return errStoreClosed
	default:
	}
	j := &groupJob{ctx: ctx, fn: fn, lastWriteOnly: lastWriteOnly, done: make(chan error, 1)}
	select {
	case g.jobs <- j:
	case <-g.stop:
		return errStoreClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-j.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-g.exited:
		select {
		case err := <-j.done:
			return err
		default:
			return errStoreClosed
		}
	}
}

func (g *groupCommitter) close() {
	g.once.Do(func() { close(g.stop) })
	<-g.exited
}

func (g *groupCommitter) loop(s *Store) {
	batch := make([]*groupJob, 0, maxGroup)
	errs := make([]error, maxGroup)
	for {
		select {
		case j := <-g.jobs:
			batch = append(batch[:0], j)
		case <-g.stop:
			g.drain()
			return
		}
	more:
		for len(batch) < maxGroup {
			select {
			case j := <-g.jobs:
				batch = append(batch, j)
			default:
				break more
			}
		}
		s.commitGroup(batch, errs[:len(batch)])
		for i, j := range batch {
			j.done <- errs[i]
			batch[i] = nil
		}
	}
}

// drain answers the changes still queued when the store closes.
func (g *groupCommitter) drain() {
	for {
		select {
		case j := <-g.jobs:
			j.done <- errStoreClosed
		default:
			return
		}
	}
}

// commitGroup runs the changes of one batch in one transaction and sets
// each one's outcome in errs. The statements run without the callers'
// contexts: an interrupted statement would roll back the whole
// transaction, and with it the other callers' changes.
func (s *Store) commitGroup(batch []*groupJob, errs []error) {
	for i := range errs {
		errs[i] = nil
	}
	err := s.DB.Transaction(func(tx *gorm.DB) error {
		for i, j := range batch {
			if err := j.ctx.Err(); err != nil {
				errs[i] = err
				continue
			}
			if j.lastWriteOnly {
				errs[i] = runAlone(tx, j.fn, s.now())
			} else {
				errs[i] = runInSavepoint(tx, j.fn, s.now())
			}
			if endsGroup(errs[i]) {
				for k := range batch {
					if k > i || (k < i && errs[k] == nil) {
						errs[k] = errGroupAborted
					}
				}
				return errs[i]
			}
		}
		return nil
	})
	if err != nil {
		// The commit failed, so nothing of this batch was kept; each change
		// is told so, and retry decides whether to run it again.
		for i := range errs {
			if errs[i] == nil {
				errs[i] = fmt.Errorf("commit: %w", err)
			}
		}
	}
}

var (
	qSavepoint           = newQuery("SAVEPOINT change", "")
	qRollbackToSavepoint = newQuery("ROLLBACK TO change", "")
	qReleaseSavepoint    = newQuery("RELEASE change", "")
)

// endsGroup reports whether a change's failure may have ended its group's
// transaction, after which a statement would commit on its own. Refusals,
// constraint failures and panics are undone by the change alone (its
// savepoint, or the failing statement itself); anything else ends the
// group.
func endsGroup(err error) bool {
	return err != nil && ErrorCode(err) == EINTERNAL && !isUniqueViolation(err) &&
		!errors.Is(err, errConflict) && !errors.Is(err, errChangePanicked)
}

// runAlone runs a change that writes only with its last statement, with
// no savepoint; a panic is kept to it.
func runAlone(tx *gorm.DB, fn func(tx *gorm.DB, now time.Time) error, now time.Time) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %v", errChangePanicked, p)
		}
	}()
	return fn(tx.Session(&gorm.Session{NewDB: true}), now)
}

// runInSavepoint runs one change so that its failure undoes only itself. A
// panic is kept to its change too, as the server would keep it to its
// request.
func runInSavepoint(tx *gorm.DB, fn func(tx *gorm.DB, now time.Time) error, now time.Time) (err error) {
	if _, err := exec(tx, qSavepoint); err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %v", errChangePanicked, p)
		}
		if err != nil {
			if _, rerr := exec(tx, qRollbackToSavepoint); rerr != nil {
				err = errors.Join(err, rerr)
			}
		}
		if _, rerr := exec(tx, qReleaseSavepoint); rerr != nil {
			err = errors.Join(err, rerr)
		}
	}()
	return fn(tx.Session(&gorm.Session{NewDB: true}), now)
}
