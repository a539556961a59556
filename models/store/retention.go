package store

import (
	"context"
	"fmt"

	"supportaccess/models"
)

// Retention: the two logs grow by millions of rows a week, and nothing
// else ever removed them. Each organization keeps its decisions and
// events for its retention (the support access policy's retention_days;
// models.DefaultRetentionDays without a policy row); older rows go a
// sealed batch at a time (PruneRecord, seal_prune.go), each a short
// transaction of its own, so that the sweep never holds SQLite's one
// write lock for long. A sweep removes at most retentionBatchesPerSweep
// batches an organization; the next sweep goes on. Expired sessions and
// tokens go retentionBatch rows at a time.

const (
	retentionBatch           = 500
	retentionBatchesPerSweep = 200
)

// RetentionDays returns each organization's retention in days. It is the
// one place that says how long an organization's logs are kept: a policy
// that sets the retention writes it where this reads it (SetRetentionDays).
func (s *Store) RetentionDays(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.WithContext(ctx).Raw(`SELECT o.id, COALESCE(sp.retention_days, ?) FROM organizations o
		LEFT JOIN support_access_policies sp ON sp.org_id = o.id`, models.DefaultRetentionDays).Rows()
	if err != nil {
		return nil, fmt.Errorf("read retention: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var days int
		if err := rows.Scan(&id, &days); err != nil {
			return nil, fmt.Errorf("read retention: %w", err)
		}
		out[id] = days
	}
	return out, rows.Err()
}

// SetRetentionDays sets how long orgID keeps its logs, for an
// organization owner: a change of the support access policy's retention
// (policy.go), recorded like any other policy change.
func (s *Store) SetRetentionDays(ctx context.Context, a models.Actor, orgID string, days int) error {
	_, err := s.SetSupportAccessPolicy(ctx, a, orgID, PolicyChange{RetentionDays: &days})
	return err
}

// SweepRetention removes the decisions and events older than their
// organization's retention and returns how many it removed. They go a
// sealed batch at a time (PruneRecord), so that the seal of what was
// removed stays as the record's anchor; rows not sealed yet wait for the
// next sweep.
func (s *Store) SweepRetention(ctx context.Context) (int64, error) {
	days, err := s.RetentionDays(ctx)
	if err != nil {
		return 0, err
	}
	now := s.now()
	var removed int64
	for org, d := range days {
		n, err := s.PruneRecord(ctx, org, models.RetentionCutoff(now, d), retentionBatchesPerSweep)
		removed += n
		if err != nil {
			return removed, fmt.Errorf("retention: %w", err)
		}
	}
	return removed, nil
}

// PruneExpiredLogins removes the sessions past their idle or absolute
// timeout, the OAuth access tokens past their expiry, and the halves of
// logins (a password given, its second factor not) and passkey
// ceremonies whose time is up: none lets anyone in any more, and all
// would pile up forever.
func (s *Store) PruneExpiredLogins(ctx context.Context) (int64, error) {
	now := s.now()
	var removed int64
	for _, del := range []struct {
		table, key, where string
		args              []any
	}{
		{"sessions", "id", `last_seen <= ? OR created_at <= ?`, []any{models.At(now.Add(-models.SessionIdleTimeout)), models.At(now.Add(-models.SessionAbsoluteTimeout))}},
		{"access_tokens", "token_hash", `expires_at <= ?`, []any{models.At(now)}},
		{"pending_logins", "id", `expires_at <= ?`, []any{models.At(now)}},
	} {
		for range retentionBatchesPerSweep {
			res := s.db.WithContext(ctx).Exec(`DELETE FROM `+del.table+` WHERE `+del.key+` IN (SELECT `+del.key+` FROM `+del.table+` WHERE `+del.where+` LIMIT ?)`,
				append(del.args, retentionBatch)...)
			if res.Error != nil {
				return removed, fmt.Errorf("prune %s: %w", del.table, res.Error)
			}
			removed += res.RowsAffected
			if res.RowsAffected < retentionBatch {
				break
			}
		}
	}
	// At most one ceremony per person and purpose: no batches needed.
	res := s.db.WithContext(ctx).Exec(`DELETE FROM webauthn_ceremonies WHERE expires_at <= ?`, models.At(now))
	if res.Error != nil {
		return removed, fmt.Errorf("prune webauthn_ceremonies: %w", res.Error)
	}
	return removed + res.RowsAffected, nil
}
