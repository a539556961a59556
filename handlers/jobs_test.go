package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"supportaccess/handlers"
	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

// TestBackgroundSweepsUntilStopped: the jobs routes.go lists run on their
// ticker with no request to start them (an expired grant is recorded as
// ended), and Background returns once its context ends.
func TestBackgroundSweepsUntilStopped(t *testing.T) {
	f := handlertest.New(t)
	f.SetBlock(true)
	f.Grant("analytics", models.GrantDatabaseLogs)
	f.Advance(25 * time.Hour)
	if n := f.OpenGrants(); n != 1 {
		t.Fatalf("%d open grants before the sweep, want 1", n)
	}
	srv := handlers.New(f.Store, slog.New(slog.NewTextHandler(io.Discard, nil)),
		handlers.Config{SessionKeys: handlertest.SessionKeys, SweepInterval: 5 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() {
		srv.Background(ctx)
		close(done)
	}()
	for deadline := time.Now().Add(10 * time.Second); f.OpenGrants() != 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the expired grant was not swept within 10 s")
		}
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Background did not return after its context ended")
	}
}
