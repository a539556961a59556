package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"supportaccess/models"
)

// SeedDemo fills an empty database with the demo organization "Acme Corp":
// project "Production" with clusters orders-prod (App Services sync enabled)
// and analytics, and project "Staging" with staging-1. It reports false and
// does nothing when any organization exists.
//
// The whole seed is one transaction, so a crash leaves all or nothing, and
// replicas that start together on an empty database take turns (an
// advisory lock on PostgreSQL, the write lock on SQLite): one seeds, the
// others then see the organization and do nothing.
func (s *Store) SeedDemo(ctx context.Context, ownerPassword string) (bool, error) {
	seeded := false
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if s.IsPostgres() {
			if err := tx.Exec(`SELECT pg_advisory_xact_lock(727275)`).Error; err != nil {
				return err
			}
		}
		var err error
		seeded, err = s.inTx(tx).seedDemo(ctx, ownerPassword)
		return err
	})
	if err != nil {
		return false, err
	}
	return seeded, nil
}

func (s *Store) seedDemo(ctx context.Context, ownerPassword string) (bool, error) {
	var n int64
	if err := s.db.WithContext(ctx).Model(&models.Organization{}).Count(&n).Error; err != nil {
		return false, fmt.Errorf("seed demo: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	org, err := s.CreateOrg(ctx, "Acme Corp")
	if err != nil {
		return false, fmt.Errorf("seed demo: %w", err)
	}
	prod, err := s.CreateProject(ctx, org.ID, "Production")
	if err != nil {
		return false, fmt.Errorf("seed demo: %w", err)
	}
	staging, err := s.CreateProject(ctx, org.ID, "Staging")
	if err != nil {
		return false, fmt.Errorf("seed demo: %w", err)
	}
	for _, c := range []struct {
		project string
		name    string
		sync    bool
	}{{prod.ID, "orders-prod", true}, {prod.ID, "analytics", false}, {staging.ID, "staging-1", false}} {
		if _, err := s.CreateCluster(ctx, c.project, c.name, c.sync); err != nil {
			return false, fmt.Errorf("seed demo: %w", err)
		}
	}
	if _, err := s.CreateUser(ctx, models.DemoOwnerEmail, ownerPassword, org.ID, models.OrgOwner, ""); err != nil {
		return false, fmt.Errorf("seed demo: %w", err)
	}
	return true, nil
}
