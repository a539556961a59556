package handlers

import (
	"context"
	"sync"
	"time"
)

// job is work that runs beside the requests, every so often, until the
// server stops. routes.go lists them (Server.jobs).
type job struct {
	every time.Duration
	run   func(context.Context)
}

// Background runs the jobs of routes.go until ctx ends, each on its own
// ticker, and returns when they have all stopped. Every replica runs
// them; each is safe to run on several at once.
func (s *Server) Background(ctx context.Context) {
	var wg sync.WaitGroup
	for _, j := range s.jobs() {
		wg.Go(func() {
			t := time.NewTicker(j.every)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					j.run(ctx)
				}
			}
		})
	}
	wg.Wait()
}

// sweep records expired grants and lapsed access requests, raises the
// alerts of grants that end within the hour (once each, whichever replica
// gets there), and forgets old login failures and digest nonce counts. Decisions never wait for it: whether a grant is
// in force is computed when asked.
func (s *Server) sweep(ctx context.Context) {
	if _, err := s.store.SweepExpired(ctx); err != nil && ctx.Err() == nil {
		s.log.Error("sweep expired grants", "err", err)
	}
	if _, err := s.store.SweepLapsedRequests(ctx); err != nil && ctx.Err() == nil {
		s.log.Error("sweep lapsed access requests", "err", err)
	}
	if _, err := s.store.SweepExpiring(ctx); err != nil && ctx.Err() == nil {
		s.log.Error("sweep expiring grants", "err", err)
	}
	if err := s.store.PruneLoginFailures(ctx); err != nil && ctx.Err() == nil {
		s.log.Error("prune login failures", "err", err)
	}
	if err := s.store.PruneDigestNonces(ctx); err != nil && ctx.Err() == nil {
		s.log.Error("prune digest nonces", "err", err)
	}
}
