package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

// The reads of access requests: the customer's lists, the pending ones
// the clusters page and sidebar show, and the request behind a grant.

// Requests lists an organization's requests that p may see, pending
// first, then newest first, with the number that match.
func (s *Store) Requests(ctx context.Context, p models.Principal, f models.RequestFilter) ([]models.SupportAccessRequest, int64, error) {
	if !models.CanViewOrg(p, f.OrgID) {
		return nil, 0, models.ErrNoOrg()
	}
	q, err := s.visibleToOrProject(ctx, s.db.WithContext(ctx).Model(&models.SupportAccessRequest{}), p, f.OrgID, f.ProjectID)
	if err != nil {
		return nil, 0, err
	}
	now := models.At(s.now())
	switch f.Status {
	case "":
	case models.RequestPending:
		q = q.Where("status = ? AND lapses_at > ?", models.RequestPending, now)
	case models.RequestExpired:
		q = q.Where("status = ? OR (status = ? AND lapses_at <= ?)", models.RequestExpired, models.RequestPending, now)
	default:
		q = q.Where("status = ?", f.Status)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("list requests: %w", err)
	}
	if f.PerPage <= 0 {
		f.PerPage = 50
	}
	f.Page = max(f.Page, 1)
	var out []models.SupportAccessRequest
	err = q.Order(fmt.Sprintf("CASE WHEN status = 'PENDING' AND lapses_at > %d THEN 0 ELSE 1 END, created_at DESC, id DESC", int64(now))).
		Limit(f.PerPage).Offset((f.Page - 1) * f.PerPage).Find(&out).Error
	if err != nil {
		return nil, 0, fmt.Errorf("list requests: %w", err)
	}
	return out, total, nil
}

// PendingRequestCount is how many requests p may see wait for an answer
// in an organization, for the sidebar.
func (s *Store) PendingRequestCount(ctx context.Context, p models.Principal, orgID string) (int64, error) {
	_, n, err := s.Requests(ctx, p, models.RequestFilter{OrgID: orgID, Status: models.RequestPending, PerPage: 1})
	return n, err
}

// RequestsForGrants returns the requests whose approval made the grants
// named, by grant id, for the Support Access Log.
func (s *Store) RequestsForGrants(ctx context.Context, orgID string, grantIDs []string) (map[string]models.SupportAccessRequest, error) {
	out := map[string]models.SupportAccessRequest{}
	if len(grantIDs) == 0 {
		return out, nil
	}
	var rs []models.SupportAccessRequest
	if err := s.db.WithContext(ctx).Where("org_id = ? AND grant_id IN ? AND grant_id <> ''", orgID, grantIDs).Find(&rs).Error; err != nil {
		return nil, fmt.Errorf("requests of grants: %w", err)
	}
	for _, r := range rs {
		out[r.GrantID] = r
	}
	return out, nil
}

// attachPendingRequests gives each view of a project's clusters its
// newest pending request, read once for the list (every step of a
// request bumps the project's version, so a kept list shows them).
func attachPendingRequests(db *gorm.DB, projectID string, now time.Time, views []models.ClusterView) error {
	var rs []models.SupportAccessRequest
	if err := db.Where("project_id = ? AND status = ? AND lapses_at > ?", projectID, models.RequestPending, models.At(now)).
		Order("created_at").Find(&rs).Error; err != nil {
		return err
	}
	for i := range rs {
		for j := range views {
			if views[j].ID == rs[i].ClusterID {
				views[j].Request = &rs[i]
			}
		}
	}
	return nil
}

// PendingRequestOn returns the newest request pending on a cluster, nil
// when there is none, for a row shown alone.
func (s *Store) PendingRequestOn(ctx context.Context, clusterID string) (*models.SupportAccessRequest, error) {
	var r models.SupportAccessRequest
	err := s.db.WithContext(ctx).Where("cluster_id = ? AND status = ? AND lapses_at > ?", clusterID, models.RequestPending, models.At(s.now())).
		Order("created_at DESC").Limit(1).Find(&r).Error
	if err != nil || r.ID == "" {
		return nil, err
	}
	return &r, nil
}

// GrantOfRequest returns the grant r's approval made, as it stands now
// (extended, revoked or expired since), nil when there is none.
func (s *Store) GrantOfRequest(ctx context.Context, r models.SupportAccessRequest) (*models.Grant, error) {
	if r.GrantID == "" {
		return nil, nil
	}
	var g models.Grant
	if err := s.db.WithContext(ctx).Where("id = ?", r.GrantID).Limit(1).Find(&g).Error; err != nil {
		return nil, fmt.Errorf("grant of request: %w", err)
	}
	if g.ID == "" {
		return nil, nil
	}
	return &g, nil
}
