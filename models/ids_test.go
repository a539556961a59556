package models

import (
	"testing"
	"time"
)

// TestNewIDsSortInTheOrderMade: ids are the Atlas object id shape, unique,
// and those made one after another sort in that order, within a second
// and across seconds, so that inserts land at the end of an id index.
func TestNewIDsSortInTheOrderMade(t *testing.T) {
	at := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	seen := map[string]bool{}
	prev := ""
	for i := 0; i < 20000; i++ {
		id := NewID(at.Add(time.Duration(i) * 100 * time.Microsecond))
		if !ValidID(id) {
			t.Fatalf("id %q is not 24 lowercase hex digits", id)
		}
		if seen[id] {
			t.Fatalf("id %q made twice", id)
		}
		seen[id] = true
		// The counter wraps once in 16 million ids (other tests make ids
		// too): only then may an id of the same second sort before the
		// one made just before it.
		if id <= prev && !(id[:18] == prev[:18] && id[18:] < "100000" && prev[18:] > "f00000") {
			t.Fatalf("id %q made after %q sorts before it", id, prev)
		}
		prev = id
	}
	if a, b := NewID(at), NewID(at.Add(time.Second)); a[:8] >= b[:8] {
		t.Fatalf("ids of later seconds sort first: %q, %q", a, b)
	}
}
