package models

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"
)

// HashGate bounds how many password checks run at once. Each argon2id
// check holds argonMemoryKiB (19 MiB) while it runs, and a login needs no
// session, so unbounded checks let anyone exhaust the memory: 200 logins
// at once took the server from 77 MB to 940 MB. A check that finds no
// free slot within the wait is refused without hashing.
type HashGate struct {
	slots    chan struct{}
	wait     time.Duration
	inFlight atomic.Int64
	peak     atomic.Int64
}

// HashGateWait is how long a login waits for a free slot before it is
// refused: several checks' time, so that a burst of real logins queues
// rather than fails, and short enough that a flood does not pile up.
const HashGateWait = time.Second

// ErrBusy refuses a login for which no password check was free in time.
var ErrBusy = Errorf(ETOOMANY, "The server is busy checking other logins. Try again in a moment.")

// NewHashGate lets slots checks run at once, each waiting at most wait
// for its turn.
func NewHashGate(slots int, wait time.Duration) *HashGate {
	return &HashGate{slots: make(chan struct{}, max(slots, 1)), wait: wait}
}

// DefaultHashSlots is one check per processor, between 2 and 4: more
// would only share the processors and hold more memory (4 × 19 MiB).
func DefaultHashSlots() int { return min(max(runtime.GOMAXPROCS(0), 2), 4) }

// Do runs check in a free slot, or returns ErrBusy without running it when
// none frees up within the wait or ctx ends first.
func (g *HashGate) Do(ctx context.Context, check func()) error {
	select {
	case g.slots <- struct{}{}:
	default:
		t := time.NewTimer(g.wait)
		defer t.Stop()
		select {
		case g.slots <- struct{}{}:
		case <-t.C:
			return ErrBusy
		case <-ctx.Done():
			return ErrBusy
		}
	}
	n := g.inFlight.Add(1)
	for p := g.peak.Load(); n > p && !g.peak.CompareAndSwap(p, n); p = g.peak.Load() {
	}
	defer func() { g.inFlight.Add(-1); <-g.slots }()
	check()
	return nil
}

// Peak is the most checks that ran at once since the gate was made: what
// a test or an operator reads to see the bound hold.
func (g *HashGate) Peak() int64 { return g.peak.Load() }
