package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

var qInsertEvent = newQuery(`INSERT INTO events (id, org_id, project_id, cluster_id, cluster_name, type, actor_kind, actor_id,
		actor_name, remote_addr, grant_id, grant_type, expires_at, detail, created_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, "")

// insertEvent writes one activity event in the caller's transaction.
func insertEvent(tx *gorm.DB, at time.Time, e models.Event, a models.Actor) error {
	e.ID = models.NewID(at)
	e.CreatedAt = models.At(at)
	e.ActorKind = a.Kind
	e.ActorID = a.ID
	e.ActorName = a.Name
	e.RemoteAddr = a.RemoteAddr
	_, err := exec(tx, qInsertEvent,
		e.ID, e.OrgID, e.ProjectID, e.ClusterID, e.ClusterName, string(e.Type), string(e.ActorKind), e.ActorID,
		e.ActorName, e.RemoteAddr, e.GrantID, string(e.GrantType), int64(e.ExpiresAt), e.Detail, int64(e.CreatedAt))
	if err != nil {
		return fmt.Errorf("record event: %w", err)
	}
	// The alerts the event raises are queued in its transaction.
	return enqueueAlerts(tx, at, e)
}

// visibleToOrProject narrows q, over a table of organization records with
// org_id and project_id, to one project of the organization, or, with no
// project given, to what p sees: a member sees organization-wide records
// and those of their projects, owners and read-only members all of them.
func (s *Store) visibleToOrProject(ctx context.Context, q *gorm.DB, p models.Principal, orgID, projectID string) (*gorm.DB, error) {
	q = q.Where("org_id = ?", orgID)
	if projectID != "" {
		pr, err := s.Project(ctx, p, projectID)
		if err != nil {
			return nil, err
		}
		if pr.OrgID != orgID {
			return nil, models.ErrNoProject()
		}
		return q.Where("project_id = ?", projectID), nil
	}
	if !models.SeesEveryProject(p, orgID) {
		ids := []string{""}
		for id := range p.ProjectRoles {
			ids = append(ids, id)
		}
		q = q.Where("project_id IN ?", ids)
	}
	return q, nil
}

// Events lists an organization's events, newest first, by page number,
// with the total number that match the filter unless f.NoCount.
func (s *Store) Events(ctx context.Context, p models.Principal, f models.EventFilter) ([]models.Event, int64, error) {
	scope, err := s.eventScope(ctx, p, f)
	if err != nil {
		return nil, 0, err
	}
	out, total, err := newestFirst[models.Event](scope, f.Page, perPageOr(f.PerPage, 100), !f.NoCount)
	if err != nil {
		return nil, 0, fmt.Errorf("list events: %w", err)
	}
	return out, total, nil
}
