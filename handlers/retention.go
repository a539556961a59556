package handlers

import "context"

// retain removes what the store keeps no longer: decisions and events
// past their organization's retention, expired sessions and OAuth
// tokens. Each removal is a batch of its own, so a decision waits for one
// batch at most.
func (s *Server) retain(ctx context.Context) {
	if n, err := s.store.SweepRetention(ctx); err != nil && ctx.Err() == nil {
		s.log.Error("remove log rows past retention", "err", err)
	} else if n > 0 {
		s.log.Info("removed log rows past retention", "rows", n)
	}
	if _, err := s.store.PruneExpiredLogins(ctx); err != nil && ctx.Err() == nil {
		s.log.Error("prune expired sessions and tokens", "err", err)
	}
}
