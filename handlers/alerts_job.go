package handlers

import "context"

// deliverAlerts sends the alert deliveries that are due (notify.Worker),
// on every replica: each claims its own, so none goes out twice.
func (s *Server) deliverAlerts(ctx context.Context) {
	if _, err := s.cfg.Alerts.DeliverDue(ctx); err != nil && ctx.Err() == nil {
		s.log.Error("deliver alerts", "err", err)
	}
}
