package main

import (
	"runtime/debug"
	"testing"
)

// TestTuneGC: serve trades memory for CPU unless the operator set GOGC or
// GOMEMLIMIT, which keep their usual meaning.
func TestTuneGC(t *testing.T) {
	prevPercent := debug.SetGCPercent(100)
	prevLimit := debug.SetMemoryLimit(-1)
	t.Cleanup(func() {
		debug.SetGCPercent(prevPercent)
		debug.SetMemoryLimit(prevLimit)
	})
	with := func(vars map[string]string) env {
		return env{getenv: func(k string) string { return vars[k] }}
	}
	for _, v := range []string{"GOGC", "GOMEMLIMIT"} {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(prevLimit)
		tuneGC(with(map[string]string{v: "200"}))
		if got := debug.SetGCPercent(100); got != 100 {
			t.Errorf("with %s set, GC percent became %d", v, got)
		}
		if got := debug.SetMemoryLimit(-1); got != prevLimit {
			t.Errorf("with %s set, memory limit became %d", v, got)
		}
	}
	tuneGC(with(nil))
	if got := debug.SetGCPercent(100); got != 400 {
		t.Errorf("GC percent %d, want 400", got)
	}
	if got := debug.SetMemoryLimit(-1); got != 64<<20 {
		t.Errorf("memory limit %d, want %d", got, 64<<20)
	}
}
