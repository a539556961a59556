package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"supportaccess/models"
)

// The reads of access requests: the customer's lists, the pending ones
// the clusters page and sidebar show, and the request behind a grant.
//
// "Pending" is written into the statements ('PENDING', the value of
// models.RequestPending), not bound: the pending indexes are partial
// (WHERE status = 'PENDING'), and SQLite uses a partial index for a bound
// value only by planning the statement again at every call.

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
		q = q.Where("status = 'PENDING' AND lapses_at > ?", now)
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
	// The moment is a bound value, not part of the text: a statement whose
	// text changes every call is parsed every call and pushes the hot
	// statements out of each connection's cache (sqlite/stmtcache.go).
	pendingFirst := clause.OrderBy{Expression: clause.Expr{
		SQL:  "CASE WHEN status = 'PENDING' AND lapses_at > ? THEN 0 ELSE 1 END, created_at DESC, id DESC",
		Vars: []any{now}}}
	err = q.Order(pendingFirst).Limit(f.PerPage).Offset((f.Page - 1) * f.PerPage).Find(&out).Error
	if err != nil {
		return nil, 0, fmt.Errorf("list requests: %w", err)
	}
	return out, total, nil
}

var qPendingRequests = newQuery(`SELECT COUNT(*) FROM access_requests WHERE org_id = ? AND status = 'PENDING' AND lapses_at > ?`, "")

// PendingRequestCount is how many requests p may see wait for an answer
// in an organization, for the sidebar. Every console page of an
// organization shows it, so it is one count through the index of pending
// requests and nothing else.
func (s *Store) PendingRequestCount(ctx context.Context, p models.Principal, orgID string) (int64, error) {
	if !models.CanViewOrg(p, orgID) {
		return 0, models.ErrNoOrg()
	}
	var n int64
	if models.SeesEveryProject(p, orgID) {
		if err := queryRow(s.db.WithContext(ctx), qPendingRequests, orgID, models.At(s.now())).Scan(&n); err != nil {
			return 0, fmt.Errorf("count pending requests: %w", err)
		}
		return n, nil
	}
	q, err := s.visibleToOrProject(ctx, s.db.WithContext(ctx).Model(&models.SupportAccessRequest{}), p, orgID, "")
	if err != nil {
		return 0, err
	}
	if err := q.Where("status = 'PENDING' AND lapses_at > ?", models.At(s.now())).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count pending requests: %w", err)
	}
	return n, nil
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
	if err := db.Where("project_id = ? AND status = 'PENDING' AND lapses_at > ?", projectID, models.At(now)).
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
	err := s.db.WithContext(ctx).Where("cluster_id = ? AND status = 'PENDING' AND lapses_at > ?", clusterID, models.At(s.now())).
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
