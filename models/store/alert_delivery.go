package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

// The deliveries of alerts are an outbox: the transaction that writes an
// event writes a PENDING row per notification of each alert it matches
// (enqueueAlerts), so that a change rolled back sends nothing and a change
// committed is delivered after any crash. Workers on every replica claim
// due rows one at a time with a conditional update that sets a lease
// (ClaimDeliveries): one replica wins each row, and a replica that dies
// holding one lets it go when the lease runs out. The sender then records
// the outcome (FinishDelivery) under the same lease.

// deliveryRow is an alert delivery as stored.
type deliveryRow struct {
	ID            string `gorm:"primaryKey"`
	OrgID         string
	ProjectID     string
	AlertConfigID string
	EventID       string
	EventType     string
	Event         string
	Notification  string
	Recipient     string
	Status        string
	Attempts      int
	LastError     string
	NextAt        models.Instant
	LeaseOwner    string
	LeaseUntil    models.Instant
	CreatedAt     models.Instant
	UpdatedAt     models.Instant
	SentAt        models.Instant
}

func (deliveryRow) TableName() string { return "alert_deliveries" }

func (r deliveryRow) delivery() (models.AlertDelivery, error) {
	d := models.AlertDelivery{ID: r.ID, OrgID: r.OrgID, ProjectID: r.ProjectID, AlertConfigID: r.AlertConfigID, EventID: r.EventID,
		EventType: models.EventType(r.EventType), Recipient: r.Recipient, Status: r.Status, Attempts: r.Attempts,
		LastError: r.LastError, NextAt: r.NextAt, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, SentAt: r.SentAt}
	if err := json.Unmarshal([]byte(r.Event), &d.Event); err != nil {
		return d, fmt.Errorf("delivery %s event: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(r.Notification), &d.Notification); err != nil {
		return d, fmt.Errorf("delivery %s notification: %w", r.ID, err)
	}
	return d, nil
}

// qAlertsFor reads the enabled alerts of a project on one event type: the
// one read an event adds to its transaction when no alert matches.
var qAlertsFor = newQuery(`SELECT a.id, a.matchers, a.notifications FROM alert_configs a
	WHERE a.project_id = ? AND a.event_type = ? AND a.enabled = ?`, "")

// alertForRow is a row of qAlertsFor.
type alertForRow struct{ id, matchers, notifications string }

func (r *alertForRow) targets() []any { return []any{&r.id, &r.matchers, &r.notifications} }

var qInsertDelivery = newQuery(`INSERT INTO alert_deliveries (id, org_id, project_id, alert_config_id, event_id, event_type, event,
	notification, recipient, status, attempts, last_error, next_at, lease_owner, lease_until, created_at, updated_at, sent_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '', ?, '', 0, ?, ?, 0)`, "")

// enqueueAlerts queues, in the event's transaction, a delivery for each
// notification of each of the project's alerts that the event matches.
func enqueueAlerts(tx *gorm.DB, at time.Time, e models.Event) error {
	if e.ProjectID == "" {
		return nil // alerts belong to projects; organization events have none
	}
	rows, err := readRows(tx, qAlertsFor, e.ProjectID, string(e.Type), true)
	if err != nil {
		return fmt.Errorf("read alerts: %w", err)
	}
	var found []models.AlertConfig
	var r alertForRow
	err = scanRows(rows, r.targets(), func() {
		found = append(found, models.AlertConfig{ID: r.id, Matchers: decodeOr[[]models.AlertMatcher](r.matchers),
			Notifications: decodeOr[[]models.AlertNotification](r.notifications), EventType: e.Type, Enabled: true})
	})
	if err != nil || len(found) == 0 {
		return err
	}
	event, err := json.Marshal(e)
	if err != nil {
		return err
	}
	for _, c := range found {
		if !c.Matches(e.Type, e.ClusterName) {
			continue
		}
		for _, n := range c.Notifications {
			nj, err := json.Marshal(n)
			if err != nil {
				return err
			}
			due := at.Add(time.Duration(n.DelayMin) * time.Minute)
			if _, err := exec(tx, qInsertDelivery, models.NewID(at), e.OrgID, e.ProjectID, c.ID, e.ID, string(e.Type), string(event),
				string(nj), n.Recipient(), models.DeliveryPending, int64(models.At(due)), int64(models.At(at)), int64(models.At(at))); err != nil {
				return fmt.Errorf("queue alert delivery: %w", err)
			}
		}
	}
	return nil
}

// decodeOr decodes JSON the store wrote; a row that does not decode
// matches nothing rather than failing the event that reads it.
func decodeOr[T any](s string) T {
	var v T
	_ = json.Unmarshal([]byte(s), &v)
	return v
}

// ClaimDeliveries takes up to limit due deliveries for owner (a name of
// this worker, unique per process) until the lease ends. Each row goes to
// one claimer: the update holds only while nobody else's lease does.
func (s *Store) ClaimDeliveries(ctx context.Context, owner string, lease time.Duration, limit int) ([]models.AlertDelivery, error) {
	now := s.now()
	db := s.db.WithContext(ctx)
	var due []deliveryRow
	if err := db.Where("status = 'PENDING' AND next_at <= ? AND lease_until < ?", models.At(now), models.At(now)).
		Order("next_at").Limit(limit).Find(&due).Error; err != nil {
		return nil, fmt.Errorf("due deliveries: %w", err)
	}
	var out []models.AlertDelivery
	for _, r := range due {
		res := db.Model(&deliveryRow{}).Where("id = ? AND status = ? AND lease_until < ?", r.ID, models.DeliveryPending, models.At(now)).
			Updates(map[string]any{"lease_owner": owner, "lease_until": models.At(now.Add(lease))})
		if res.Error != nil {
			return out, fmt.Errorf("claim delivery: %w", res.Error)
		}
		if res.RowsAffected != 1 {
			continue // another replica took it
		}
		d, err := r.delivery()
		if err != nil {
			// A row that does not decode can never be sent: it is closed
			// rather than claimed again forever.
			if ferr := s.FinishDelivery(ctx, owner, models.AlertDelivery{ID: r.ID, Status: models.DeliveryFailed, Recipient: r.Recipient, LastError: err.Error()}); ferr != nil {
				return out, ferr
			}
			continue
		}
		out = append(out, d)
	}
	return out, nil
}

// FinishDelivery records an attempt of a delivery owner holds: its status
// (PENDING again with a NextAt to retry), whom it reached and the error.
// A lease that ran out and went to another worker records nothing.
func (s *Store) FinishDelivery(ctx context.Context, owner string, d models.AlertDelivery) error {
	now := s.now()
	set := map[string]any{"status": d.Status, "attempts": gorm.Expr("attempts + 1"), "last_error": clipText(d.LastError, 500),
		"recipient": clipText(d.Recipient, 1000), "next_at": d.NextAt, "lease_owner": "", "lease_until": 0, "updated_at": models.At(now)}
	if d.Status == models.DeliverySent {
		set["sent_at"] = models.At(now)
	}
	err := s.db.WithContext(ctx).Model(&deliveryRow{}).Where("id = ? AND lease_owner = ?", d.ID, owner).Updates(set).Error
	if err != nil {
		return fmt.Errorf("record delivery: %w", err)
	}
	return nil
}

// clipText keeps at most n bytes of s, whole runes only.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// RecipientEmails resolves whom an email notification of a delivery goes
// to now: the address, the user's, or those of the members holding the
// roles named (project roles in the delivery's project, organization
// roles in its organization).
func (s *Store) RecipientEmails(ctx context.Context, d models.AlertDelivery) ([]string, error) {
	db := s.db.WithContext(ctx)
	n := d.Notification
	var out []string
	var err error
	switch n.TypeName {
	case models.NotifyEmail:
		return []string{n.EmailAddress}, nil
	case models.NotifyUser:
		err = db.Table("users").Joins("JOIN org_memberships m ON m.user_id = users.id").
			Where("users.email = ? AND m.org_id = ?", n.Username, d.OrgID).Pluck("users.email", &out).Error
	case models.NotifyGroup:
		err = db.Table("users").Joins("JOIN project_memberships m ON m.user_id = users.id").
			Where("m.project_id = ? AND m.role IN ?", d.ProjectID, n.Roles).Order("users.email").Pluck("users.email", &out).Error
	case models.NotifyOrg:
		err = db.Table("users").Joins("JOIN org_memberships m ON m.user_id = users.id").
			Where("m.org_id = ? AND m.role IN ?", d.OrgID, n.Roles).Order("users.email").Pluck("users.email", &out).Error
	}
	if err != nil {
		return nil, fmt.Errorf("alert recipients: %w", err)
	}
	return out, nil
}

// AlertDeliveries lists the newest deliveries of one alert of a project,
// to anyone who may see the project.
func (s *Store) AlertDeliveries(ctx context.Context, p models.Principal, projectID, alertID string, limit int) ([]models.AlertDelivery, error) {
	if _, err := s.Project(ctx, p, projectID); err != nil {
		return nil, err
	}
	var rows []deliveryRow
	if err := s.db.WithContext(ctx).Where("project_id = ? AND alert_config_id = ?", projectID, alertID).
		Order("created_at DESC, id DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list deliveries: %w", err)
	}
	out := make([]models.AlertDelivery, 0, len(rows))
	for _, r := range rows {
		d, err := r.delivery()
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// DeliveryPlace names the organization and project of a delivery, for the
// message that tells of it; the worker reads it as the system.
func (s *Store) DeliveryPlace(ctx context.Context, d models.AlertDelivery) (org, project string, err error) {
	var row struct{ OrgName, ProjectName string }
	err = s.db.WithContext(ctx).Table("projects").Select("organizations.name AS org_name, projects.name AS project_name").
		Joins("JOIN organizations ON organizations.id = projects.org_id").Where("projects.id = ?", d.ProjectID).Limit(1).Scan(&row).Error
	if err != nil {
		return "", "", fmt.Errorf("delivery place: %w", err)
	}
	return row.OrgName, row.ProjectName, nil
}
