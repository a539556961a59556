package handlertest

import (
	"sync"
	"time"
)

// Clock is a fixture's clock: a moment the test sets and moves, read by
// the store from the server's goroutines.
type Clock struct {
	mu sync.Mutex
	at time.Time
}

// Now is the clock's moment; a store's Now.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.at.Add(d)
}

// SetClock sets the clock to t.
func (c *Clock) SetClock(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = t
}
