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
		return nil, 0, Errorf(ENOTFOUND, "No organization with that id.")
	}
	if f.ProjectID != "" {
		if _, err := s.Project(ctx, p, f.ProjectID); err != nil {
			return nil, 0, err
		}
	}
	q := s.DB.WithContext(ctx).Model(&Event{}).Where("org_id = ?", f.OrgID)
	if f.ProjectID != "" {
		q = q.Where("project_id = ?", f.ProjectID)
	} else if p.OrgRoles[f.OrgID] == OrgMember {
		// A member sees organization-wide events and those of their projects.
		ids := []string{""}
		for id := range p.ProjectRoles {
			ids = append(ids, id)
		}
		q = q.Where("project_id IN ?", ids)
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
