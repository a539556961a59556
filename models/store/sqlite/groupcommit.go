package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
)

// Group commit, on SQLite. SQLite has one writer at a time, and on the
// pure-Go driver beginning and committing a transaction cost as much as the
// work inside it: a recorded access decision spent a third of its CPU there
// and in writing the log. So the changes that go through the store's retry
// queue here, and one goroutine runs whatever has queued in one
// transaction, each change inside its own savepoint (but a recorded
// decision, whose one write is its last statement, needs none). A change still reads the state and writes
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

// ErrClosed answers a change queued after Close.
var ErrClosed = errors.New("the store is closed")

// ErrGroupAborted tells a change that it did not run, or was undone,
// because another change of its group failed in a way that may have ended
// the group's transaction; the store's retry runs it again.
var ErrGroupAborted = errors.New("another change of its group failed")

// errChangePanicked marks the failure of a change that panicked.
var errChangePanicked = errors.New("change panicked")

// Change is one change to run in a group: it reads and writes through tx,
// the group's transaction, and takes now as its moment.
type Change = func(tx *gorm.DB, now time.Time) error

// Kind tells the committer what a change may write.
type Kind uint8

const (
	// Writes is a change that may write anything: it runs in a savepoint
	// of its own, and it ends the current Epoch.
	Writes Kind = iota
	// Appends is a change whose one write is its last statement, and
	// appends a row that no change reads to decide anything (a recorded
	// decision): it needs no savepoint, since a failing read has written
	// nothing and a failing statement undoes itself, and it leaves the
	// Epoch as it is.
	Appends
)

type groupJob struct {
	ctx  context.Context
	fn   Change
	kind Kind
	done chan error
}

// GroupCommitter runs the changes given to Run in shared transactions, on
// one goroutine of its own, until Close.
type GroupCommitter struct {
	db  *gorm.DB
	now func() time.Time
	// undone reports whether a change's failure was undone by the change
	// alone (a refusal, a lost race, a constraint failure), so that the
	// group goes on; any other failure, but a panic, ends the group.
	undone func(error) bool
	jobs   chan *groupJob
	stop   chan struct{}
	// exited closes when the loop has returned; a change queued after its
	// last drain is answered by run itself.
	exited chan struct{}
	once   sync.Once
	// gate is held through each group's transaction; the checkpointer
	// takes it to restart the log between two groups (checkpoint.go).
	gate *sync.Mutex
	// conn is the connection the groups commit on, kept from one group
	// to the next: SQLite drops a connection's whole page cache when
	// another connection has written, so that groups spread over the
	// pool read the pages they change from the file each time, while
	// one connection keeps them (nil until the first group, and after
	// it failed). Not with a pool of one connection, which it would take
	// from everything else.
	conn     *sql.Conn
	keepConn bool
	// epoch is the committer's Epoch; dataVersion is the committer's
	// connection's PRAGMA data_version when the last group began, which
	// changes when another connection commits (versionKnown is false
	// until a group on this connection has read it).
	epoch        atomic.Uint64
	dataVersion  int64
	versionKnown bool
}

// Epoch numbers the spans of time in which nothing but Appends changes
// wrote to the database, as far as a change running in a group can see:
// it moves on before a Writes change runs, when a group begins after
// another connection (of this process or another) committed, when the
// committer's connection is new, and after a group that failed. A read
// that a change kept, with the Epoch it was made in, is still what the
// database holds for as long as the Epoch has not moved; a change may
// read it instead of the database. Read it only inside a change.
func (g *GroupCommitter) Epoch() uint64 { return g.epoch.Load() }

// qDataVersion reads the number SQLite changes for a connection each time
// another connection commits.
const qDataVersion = "PRAGMA data_version"

// noteOthers moves the Epoch on when, since the last group began, another
// connection committed, or the group runs on a connection other than the
// last one's (whose data_version is not comparable). It runs first in a
// group's transaction, which holds the write lock: nobody else commits
// until the group ends.
func (g *GroupCommitter) noteOthers(tx *gorm.DB) error {
	if g.conn == nil {
		g.epoch.Add(1)
		return nil
	}
	var v int64
	if err := tx.Statement.ConnPool.QueryRowContext(tx.Statement.Context, qDataVersion).Scan(&v); err != nil {
		return err
	}
	if !g.versionKnown || v != g.dataVersion {
		g.epoch.Add(1)
	}
	g.dataVersion, g.versionKnown = v, true
	return nil
}

// NewGroupCommitter starts committing changes in groups on db, each change
// at the moment now reads as it starts. undone tells a failure that the
// change undid by itself from one that may have ended the group's
// transaction. gate is the one the database's Checkpointer shares.
// keepConn keeps one connection from group to group (the pool must have
// others).
func NewGroupCommitter(db *gorm.DB, now func() time.Time, undone func(error) bool, gate *sync.Mutex, keepConn bool) *GroupCommitter {
	g := &GroupCommitter{db: db, now: now, undone: undone, jobs: make(chan *groupJob, maxGroup), stop: make(chan struct{}), exited: make(chan struct{}),
		gate: gate, keepConn: keepConn}
	go func() {
		defer close(g.exited)
		g.loop()
	}()
	return g
}

// Run queues fn, a change of kind, and waits for its outcome.
// A caller whose context ends stops waiting; its change may still commit,
// as a request's would if the client hung up during the commit.
func (g *GroupCommitter) Run(ctx context.Context, fn Change, kind Kind) error {
	select {
	case <-g.stop:
		return ErrClosed
	default:
	}
	j := &groupJob{ctx: ctx, fn: fn, kind: kind, done: make(chan error, 1)}
	select {
	case g.jobs <- j:
	case <-g.stop:
		return ErrClosed
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
			return ErrClosed
		}
	}
}

// Close stops the committer once the group it is running has committed;
// changes queued after are answered ErrClosed.
func (g *GroupCommitter) Close() {
	g.once.Do(func() { close(g.stop) })
	<-g.exited
}

func (g *GroupCommitter) loop() {
	batch := make([]*groupJob, 0, maxGroup)
	errs := make([]error, maxGroup)
	for {
		select {
		case j := <-g.jobs:
			batch = append(batch[:0], j)
			// Let the goroutines ready to run queue their changes before
			// the group closes: under load the requests that the last
			// commit answered are about to ask again, and each change
			// more in a group is one commit, and about ten pages of log,
			// fewer (groups of 23 against 9 for the bench's decisions,
			// 3 to 12 % more of them a second). Alone, it returns at once.
			runtime.Gosched()
		case <-g.stop:
			g.drain()
			g.dropConn()
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
		g.commitGroup(batch, errs[:len(batch)])
		for i, j := range batch {
			j.done <- errs[i]
			batch[i] = nil
		}
	}
}

// drain answers the changes still queued when the store closes.
func (g *GroupCommitter) drain() {
	for {
		select {
		case j := <-g.jobs:
			j.done <- ErrClosed
		default:
			return
		}
	}
}

// commitGroup runs the changes of one batch in one transaction and sets
// each one's outcome in errs. The statements run without the callers'
// contexts: an interrupted statement would roll back the whole
// transaction, and with it the other callers' changes.
func (g *GroupCommitter) commitGroup(batch []*groupJob, errs []error) {
	for i := range errs {
		errs[i] = nil
	}
	g.gate.Lock()
	defer g.gate.Unlock()
	err := g.session()
	if err == nil {
		err = g.groupDB().Transaction(func(tx *gorm.DB) error {
			if err := g.noteOthers(tx); err != nil {
				return err
			}
			for i, j := range batch {
				if err := j.ctx.Err(); err != nil {
					errs[i] = err
					continue
				}
				if j.kind == Appends {
					errs[i] = runAlone(tx, j.fn, g.now())
				} else {
					g.epoch.Add(1)
					errs[i] = runInSavepoint(tx, j.fn, g.now())
				}
				if g.endsGroup(errs[i]) {
					for k := range batch {
						if k > i || (k < i && errs[k] == nil) {
							errs[k] = ErrGroupAborted
						}
					}
					return errs[i]
				}
			}
			return nil
		})
	}
	if err != nil {
		// What changes of this group read may have been undone with it.
		g.epoch.Add(1)
		g.dropConn()
		// The commit failed, so nothing of this batch was kept; each change
		// is told so, and the store's retry decides whether to run it again.
		for i := range errs {
			if errs[i] == nil {
				errs[i] = fmt.Errorf("commit: %w", err)
			}
		}
	}
}

// session makes sure the committer has its connection, if it keeps one.
// The connection keeps its statement journal in memory: each change of a
// group writes the pages it changes there first, for its savepoint to
// roll back to, and past 64 KiB in a transaction SQLite spills that
// journal to a temporary file, one write system call a page (a sixth of
// the CPU of a grant or a revoke). A group's journal is at most a few
// megabytes, gone at its commit.
func (g *GroupCommitter) session() error {
	if g.conn != nil || !g.keepConn {
		return nil
	}
	sqlDB, err := g.db.DB()
	if err != nil {
		return err
	}
	conn, err := sqlDB.Conn(context.Background())
	if err != nil {
		return err
	}
	if _, err := conn.ExecContext(context.Background(), "PRAGMA temp_store = MEMORY"); err != nil {
		_ = conn.Close()
		return err
	}
	g.conn = conn
	return nil
}

// groupDB is the committer's db, on its connection if it keeps one.
func (g *GroupCommitter) groupDB() *gorm.DB {
	if g.conn == nil {
		return g.db
	}
	db := g.db.WithContext(context.Background()) // a statement of its own
	db.Statement.ConnPool = g.conn
	return db
}

// dropConn gives the connection back to the pool after a group failed,
// and the next group takes one again: whatever the failure, a group does
// not inherit the state it left.
func (g *GroupCommitter) dropConn() {
	if g.conn != nil {
		_ = g.conn.Close()
		g.conn = nil
	}
	g.versionKnown = false
}

// endsGroup reports whether a change's failure may have ended its group's
// transaction, after which a statement would commit on its own. Refusals,
// constraint failures and panics are undone by the change alone (its
// savepoint, or the failing statement itself); anything else ends the
// group.
func (g *GroupCommitter) endsGroup(err error) bool {
	return err != nil && !errors.Is(err, errChangePanicked) && !g.undone(err)
}

// execSQL runs one statement in tx's transaction, straight on its
// connection as the store's hot statements run.
func execSQL(tx *gorm.DB, q string) error {
	_, err := tx.Statement.ConnPool.ExecContext(tx.Statement.Context, q)
	return err
}

// runAlone runs a change that writes only with its last statement, with
// no savepoint; a panic is kept to it.
func runAlone(tx *gorm.DB, fn Change, now time.Time) (err error) {
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
func runInSavepoint(tx *gorm.DB, fn Change, now time.Time) (err error) {
	if err := execSQL(tx, "SAVEPOINT change"); err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %v", errChangePanicked, p)
		}
		if err != nil {
			if rerr := execSQL(tx, "ROLLBACK TO change"); rerr != nil {
				err = errors.Join(err, rerr)
			}
		}
		if rerr := execSQL(tx, "RELEASE change"); rerr != nil {
			err = errors.Join(err, rerr)
		}
	}()
	return fn(tx.Session(&gorm.Session{NewDB: true}), now)
}
