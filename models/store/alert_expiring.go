package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"supportaccess/models"
)

// qExpiringGrant re-reads a grant in the transaction that raises its
// "ends within the hour" alert, locked on PostgreSQL so that a revoke or
// a replacement committing at the same moment waits for it or wins.
var qExpiringGrant = newQuery(`SELECT g.closed_at FROM grants g WHERE g.id = ?`, ` FOR SHARE`)

var qMarkExpiring = newQuery(`INSERT INTO alert_expiring_grants (grant_id, created_at) VALUES (?, ?) ON CONFLICT (grant_id) DO NOTHING`, "")

// SweepExpiring raises EMPLOYEE_ACCESS_EXPIRING for each open grant that
// ends within the hour (models.AlertExpiringLead), once per grant across
// replicas: the row of alert_expiring_grants that its transaction inserts
// first is the one that queues the deliveries. A grant revoked or replaced
// (extended) first is closed, and raises nothing; one made for less than
// the hour never was an hour from its end, and raises nothing either.
func (s *Store) SweepExpiring(ctx context.Context) (int, error) {
	now := s.now()
	lead := models.At(now.Add(models.AlertExpiringLead))
	var due []struct {
		models.Grant `gorm:"embedded"`
		ClusterName  string
	}
	if err := s.db.WithContext(ctx).Table("grants").Select("grants.*, clusters.name AS cluster_name").
		Joins("JOIN clusters ON clusters.id = grants.cluster_id").
		Where("grants.closed_at = 0 AND grants.expires_at > ? AND grants.expires_at <= ?", models.At(now), lead).
		Where("grants.created_at <= grants.expires_at - ?", int64(models.AlertExpiringLead)).
		Where("grants.id NOT IN (SELECT grant_id FROM alert_expiring_grants)").
		Order("grants.expires_at").Limit(500).Scan(&due).Error; err != nil {
		return 0, fmt.Errorf("sweep expiring grants: %w", err)
	}
	n := 0
	for _, d := range due {
		raised := false
		err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			var current models.Grant
			if err := queryRow(tx, qExpiringGrant, d.ID).Scan(&current.ClosedAt); err != nil || current.ClosedAt != 0 {
				return err
			}
			k, err := exec(tx, qMarkExpiring, d.ID, int64(models.At(now)))
			if err != nil || k != 1 {
				return err
			}
			raised = true
			e := models.Event{ID: models.NewID(now), OrgID: d.OrgID, ProjectID: d.ProjectID, ClusterID: d.ClusterID, ClusterName: d.ClusterName,
				Type: models.EventExpiring, ActorKind: models.ActorSystem, ActorName: models.System.Name, GrantID: d.ID, GrantType: d.Type,
				ExpiresAt: d.ExpiresAt, CreatedAt: models.At(now)}
			return enqueueAlerts(tx, now, e)
		})
		if err != nil {
			return n, fmt.Errorf("sweep expiring grants: %w", err)
		}
		if raised {
			n++
		}
	}
	return n, nil
}
