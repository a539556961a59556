package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

// alertTables is the schema of alerts (migration 30).
var alertTables = []string{
	`CREATE TABLE alert_configs (id TEXT PRIMARY KEY, org_id TEXT NOT NULL, project_id TEXT NOT NULL, event_type TEXT NOT NULL, enabled BOOLEAN NOT NULL, matchers TEXT NOT NULL, notifications TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)`,
	// An event reads the enabled alerts of its project and type.
	`CREATE INDEX alert_configs_project_event ON alert_configs(project_id, event_type)`,
	`CREATE TABLE alert_deliveries (id TEXT PRIMARY KEY, org_id TEXT NOT NULL, project_id TEXT NOT NULL, alert_config_id TEXT NOT NULL, event_id TEXT NOT NULL, event_type TEXT NOT NULL, event TEXT NOT NULL, notification TEXT NOT NULL, recipient TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '', next_at BIGINT NOT NULL, lease_owner TEXT NOT NULL DEFAULT '', lease_until BIGINT NOT NULL DEFAULT 0, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, sent_at BIGINT NOT NULL DEFAULT 0)`,
	// The workers read the due deliveries only: the sent ones stay out.
	`CREATE INDEX alert_deliveries_due ON alert_deliveries(next_at) WHERE status = 'PENDING'`,
	`CREATE INDEX alert_deliveries_config ON alert_deliveries(alert_config_id, created_at)`,
	`CREATE TABLE alert_expiring_grants (grant_id TEXT PRIMARY KEY, created_at BIGINT NOT NULL)`,
}

// alertConfigRow is an alert configuration as stored: its matchers and
// notifications as JSON.
type alertConfigRow struct {
	ID            string `gorm:"primaryKey"`
	OrgID         string
	ProjectID     string
	EventType     string
	Enabled       bool
	Matchers      string
	Notifications string
	CreatedAt     models.Instant
	UpdatedAt     models.Instant
}

func (alertConfigRow) TableName() string { return "alert_configs" }

func rowOfAlert(c models.AlertConfig) (alertConfigRow, error) {
	m, err := json.Marshal(nonNil(c.Matchers))
	if err != nil {
		return alertConfigRow{}, err
	}
	n, err := json.Marshal(nonNil(c.Notifications))
	if err != nil {
		return alertConfigRow{}, err
	}
	return alertConfigRow{ID: c.ID, OrgID: c.OrgID, ProjectID: c.ProjectID, EventType: string(c.EventType), Enabled: c.Enabled,
		Matchers: string(m), Notifications: string(n), CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (r alertConfigRow) alert() (models.AlertConfig, error) {
	c := models.AlertConfig{ID: r.ID, OrgID: r.OrgID, ProjectID: r.ProjectID, EventType: models.EventType(r.EventType),
		Enabled: r.Enabled, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if err := json.Unmarshal([]byte(r.Matchers), &c.Matchers); err != nil {
		return c, fmt.Errorf("alert %s matchers: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(r.Notifications), &c.Notifications); err != nil {
		return c, fmt.Errorf("alert %s notifications: %w", r.ID, err)
	}
	return c, nil
}

// insertDefaultAlerts gives a new project its default alerts, in the
// transaction that creates it.
func insertDefaultAlerts(tx *gorm.DB, orgID, projectID string, now time.Time) error {
	for _, c := range models.DefaultAlertConfigs(orgID, projectID, now) {
		r, err := rowOfAlert(c)
		if err != nil {
			return err
		}
		if err := tx.Create(&r).Error; err != nil {
			return fmt.Errorf("default alerts: %w", err)
		}
	}
	return nil
}

// fillDefaultAlerts (migration 30) gives every project that has no alerts
// the defaults.
func fillDefaultAlerts(tx *gorm.DB, now time.Time) error {
	var ps []models.Project
	if err := tx.Raw(`SELECT id, org_id FROM projects WHERE id NOT IN (SELECT project_id FROM alert_configs)`).Scan(&ps).Error; err != nil {
		return err
	}
	for _, p := range ps {
		if err := insertDefaultAlerts(tx, p.OrgID, p.ID, now); err != nil {
			return err
		}
	}
	return nil
}

// AlertConfigs lists a project's alerts, oldest first, to anyone who may
// see the project.
func (s *Store) AlertConfigs(ctx context.Context, p models.Principal, projectID string) ([]models.AlertConfig, error) {
	if _, err := s.Project(ctx, p, projectID); err != nil {
		return nil, err
	}
	var rows []alertConfigRow
	if err := s.db.WithContext(ctx).Where("project_id = ?", projectID).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list alerts: %w", err)
	}
	out := make([]models.AlertConfig, 0, len(rows))
	for _, r := range rows {
		c, err := r.alert()
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// AlertConfig reads one alert of a project.
func (s *Store) AlertConfig(ctx context.Context, p models.Principal, projectID, id string) (models.AlertConfig, error) {
	if _, err := s.Project(ctx, p, projectID); err != nil {
		return models.AlertConfig{}, err
	}
	return alertIn(s.db.WithContext(ctx), projectID, id)
}

func alertIn(db *gorm.DB, projectID, id string) (models.AlertConfig, error) {
	var r alertConfigRow
	err := db.Where("id = ? AND project_id = ?", id, projectID).Limit(1).Find(&r).Error
	if err != nil {
		return models.AlertConfig{}, fmt.Errorf("read alert: %w", err)
	}
	if r.ID == "" {
		return models.AlertConfig{}, models.Errorf(models.ENOTFOUND, "No alert configuration with that id.")
	}
	return r.alert()
}

// CreateAlertConfig stores a new alert in a project, checked first
// (models.ValidateAlertConfig and the users it names), for its owners.
func (s *Store) CreateAlertConfig(ctx context.Context, a models.Actor, projectID string, c models.AlertConfig) (models.AlertConfig, error) {
	var out models.AlertConfig
	err := s.changeAlerts(ctx, a, projectID, func(tx *gorm.DB, pr models.Project, now time.Time) error {
		c.ID, c.OrgID, c.ProjectID = models.NewID(now), pr.OrgID, pr.ID
		c.CreatedAt, c.UpdatedAt = models.At(now), models.At(now)
		out = c
		return writeAlert(tx, pr, c, tx.Create)
	})
	return out, err
}

// ReplaceAlertConfig replaces an alert's event type, state, matchers and
// notifications (PUT). A webhook sent back without its secret, or with
// the masked one an answer shows, keeps the secret it had for that URL.
func (s *Store) ReplaceAlertConfig(ctx context.Context, a models.Actor, projectID, id string, c models.AlertConfig) (models.AlertConfig, error) {
	var out models.AlertConfig
	err := s.changeAlerts(ctx, a, projectID, func(tx *gorm.DB, pr models.Project, now time.Time) error {
		old, err := alertIn(tx, pr.ID, id)
		if err != nil {
			return err
		}
		c.Notifications = models.KeepWebhookSecrets(old.Notifications, c.Notifications)
		c.ID, c.OrgID, c.ProjectID, c.CreatedAt, c.UpdatedAt = old.ID, old.OrgID, old.ProjectID, old.CreatedAt, models.At(now)
		out = c
		return writeAlert(tx, pr, c, tx.Save)
	})
	return out, err
}

// writeAlert checks c against its project and stores it with put
// (tx.Create for a new alert, tx.Save for a replaced one).
func writeAlert(tx *gorm.DB, pr models.Project, c models.AlertConfig, put func(any) *gorm.DB) error {
	if err := checkAlert(tx, pr, c); err != nil {
		return err
	}
	r, err := rowOfAlert(c)
	if err != nil {
		return err
	}
	return put(&r).Error
}

// SetAlertConfigEnabled enables or disables an alert (PATCH {enabled}).
func (s *Store) SetAlertConfigEnabled(ctx context.Context, a models.Actor, projectID, id string, enabled bool) (models.AlertConfig, error) {
	var out models.AlertConfig
	err := s.changeAlerts(ctx, a, projectID, func(tx *gorm.DB, pr models.Project, now time.Time) error {
		c, err := alertIn(tx, pr.ID, id)
		if err != nil {
			return err
		}
		c.Enabled, c.UpdatedAt = enabled, models.At(now)
		out = c
		return tx.Model(&alertConfigRow{}).Where("id = ?", id).Updates(map[string]any{"enabled": enabled, "updated_at": c.UpdatedAt}).Error
	})
	return out, err
}

// DeleteAlertConfig removes an alert and the deliveries it still had to
// make; those it made go with it.
func (s *Store) DeleteAlertConfig(ctx context.Context, a models.Actor, projectID, id string) error {
	return s.changeAlerts(ctx, a, projectID, func(tx *gorm.DB, pr models.Project, now time.Time) error {
		if _, err := alertIn(tx, pr.ID, id); err != nil {
			return err
		}
		if err := tx.Where("alert_config_id = ?", id).Delete(&deliveryRow{}).Error; err != nil {
			return err
		}
		return tx.Where("id = ?", id).Delete(&alertConfigRow{}).Error
	})
}

// changeAlerts runs fn in a transaction for a project's owner.
func (s *Store) changeAlerts(ctx context.Context, a models.Actor, projectID string, fn func(tx *gorm.DB, pr models.Project, now time.Time) error) error {
	pr, err := s.Project(ctx, a.Principal, projectID)
	if err != nil {
		return err
	}
	if err := models.AuthorizeAlertChange(a.Principal, pr); err != nil {
		return err
	}
	return s.retry(ctx, func(tx *gorm.DB, now time.Time) error { return fn(tx, pr, now) })
}

// checkAlert validates an alert, and that each user it names by username
// is a member of the project's organization, inside the transaction
// that stores it.
func checkAlert(tx *gorm.DB, pr models.Project, c models.AlertConfig) error {
	if err := models.ValidateAlertConfig(c); err != nil {
		return err
	}
	for i, n := range c.Notifications {
		if n.TypeName != models.NotifyUser {
			continue
		}
		var k int64
		if err := tx.Table("users").Joins("JOIN org_memberships m ON m.user_id = users.id").
			Where("users.email = ? AND m.org_id = ?", n.Username, pr.OrgID).Count(&k).Error; err != nil {
			return err
		}
		if k == 0 {
			return models.FieldError(fmt.Sprintf("notifications.%d.username", i), "No user %q in this organization.", n.Username)
		}
	}
	return nil
}
