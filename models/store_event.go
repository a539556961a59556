package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

var qInsertEvent = newQuery(`INSERT INTO events (id, org_id, project_id, cluster_id, cluster_name, type, actor_kind, actor_id,
		actor_name, remote_addr, grant_id, grant_type, expires_at, detail, created_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, "")

// insertEvent writes one activity event in the caller's transaction.
func insertEvent(tx *gorm.DB, at time.Time, e Event, a Actor) error {
	e.ID = NewID(at)
	e.CreatedAt = At(at)
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
	return nil
}

// visibleToOrProject narrows q, over a table of organization records with
// org_id and project_id, to one project of the organization, or, with no
// project given, to what p sees: a member sees organization-wide records
// and those of their projects, owners and read-only members all of them.
func (s *Store) visibleToOrProject(ctx context.Context, q *gorm.DB, p Principal, orgID, projectID string) (*gorm.DB, error) {
	q = q.Where("org_id = ?", orgID)
	if projectID != "" {
		pr, err := s.Project(ctx, p, projectID)
		if err != nil {
			return nil, err
		}
		if pr.OrgID != orgID {
			return nil, errNoProject()
		}
		return q.Where("project_id = ?", projectID), nil
	}
	if p.OrgRoles[orgID] == OrgMember {
		ids := []string{""}
		for id := range p.ProjectRoles {
			ids = append(ids, id)
		}
		q = q.Where("project_id IN ?", ids)
	}
	return q, nil
}

// EventFilter selects events of one organization.
type EventFilter struct {
	OrgID        string
	ProjectID    string
	ClusterNames []string
	Types        []EventType
	GrantID      string
	MinDate      time.Time
	MaxDate      time.Time
	Page         int // from 1
	PerPage      int
}

// Events lists an organization's events, newest first, with the total
// number that match the filter.
func (s *Store) Events(ctx context.Context, p Principal, f EventFilter) ([]Event, int64, error) {
	if !CanViewOrg(p, f.OrgID) {
		return nil, 0, errNoOrg()
	}
	q, err := s.visibleToOrProject(ctx, s.DB.WithContext(ctx).Model(&Event{}), p, f.OrgID, f.ProjectID)
	if err != nil {
		return nil, 0, err
	}
	if len(f.ClusterNames) > 0 {
		q = q.Where("cluster_name IN ?", f.ClusterNames)
	}
	if len(f.Types) > 0 {
		q = q.Where("type IN ?", f.Types)
	}
	if f.GrantID != "" {
		q = q.Where("grant_id = ?", f.GrantID)
	}
	out, total, err := newestFirst[Event](inTimeRange(q, f.MinDate, f.MaxDate), f.Page, f.PerPage, 100)
	if err != nil {
		return nil, 0, fmt.Errorf("list events: %w", err)
	}
	return out, total, nil
}
