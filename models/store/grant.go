package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

// GrantAccess grants support access to a cluster. One grant at most is in
// force per cluster: granting again replaces it, or, with the same type,
// extends it in place. An open grant whose time has run out is first
// recorded as expired. The organization's policy is checked in the
// transaction that grants (grantInTx). Every change writes an event in the
// same transaction.
func (s *Store) GrantAccess(ctx context.Context, a models.Actor, req models.GrantRequest) (models.GrantResult, error) {
	var res models.GrantResult
	if err := models.CheckRequestKey(req.RequestKey); err != nil {
		return res, err
	}
	pr, err := s.Project(ctx, a.Principal, req.ProjectID)
	if err != nil {
		return res, err
	}
	if err := models.AuthorizeGrantChange(a.Principal, pr); err != nil {
		return res, err
	}
	err = s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
		res = models.GrantResult{}
		c, err := clusterForChange(tx, pr.ID, req.ClusterName)
		if err != nil {
			return err
		}
		if req.RequestKey != "" {
			// The form that made a grant, or one that extended it.
			var prior models.Grant
			if err := tx.Where("org_id = ? AND request_key = ?", pr.OrgID, req.RequestKey).Limit(1).Find(&prior).Error; err != nil {
				return err
			}
			if prior.ID == "" {
				// A form that extended the grant in force left its key
				// beside the grant instead (grant_put.go).
				if err := tx.Where("id = (SELECT grant_id FROM grant_extensions WHERE org_id = ? AND request_key = ?)", pr.OrgID, req.RequestKey).Limit(1).Find(&prior).Error; err != nil {
					return err
				}
			}
			if prior.ID != "" {
				if prior.ClusterID != c.ID {
					return models.FieldError("requestKey", "This form was already used for another cluster. Open the grant dialog again.")
				}
				res.Grant, res.Repeated = prior, true
				res.State, res.EndedAt = prior.StateAt(now)
				return viewNow(tx, &res.Cluster, c, pr, now)
			}
		}
		res, err = grantInTx(tx, now, a, pr, c, req, "")
		return err
	})
	return res, err
}

// RevokeAccess ends the grant in force on a cluster at once. With no grant
// in force it changes nothing and reports false; that is not an error, so
// that callers may retry safely.
func (s *Store) RevokeAccess(ctx context.Context, a models.Actor, projectID, clusterName string) (bool, models.ClusterView, error) {
	pr, err := s.Project(ctx, a.Principal, projectID)
	if err != nil {
		return false, models.ClusterView{}, err
	}
	if err := models.AuthorizeGrantChange(a.Principal, pr); err != nil {
		return false, models.ClusterView{}, err
	}
	revoked := false
	var view models.ClusterView
	err = s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
		revoked = false
		c, err := clusterForChange(tx, pr.ID, clusterName)
		if err != nil {
			return err
		}
		org, err := orgForView(tx, pr.OrgID)
		if err != nil {
			return err
		}
		// Whatever happens below, no grant is in force afterwards.
		view = models.ClusterView{Cluster: c, Project: pr, Org: org}
		open, err := openGrant(tx, c.ID)
		if err != nil || open == nil {
			return err
		}
		if !open.Active(now) {
			recorded, err := recordExpiry(tx, *open, c.Name)
			if err != nil || !recorded {
				return err
			}
			return bumpProjectVersion(tx, pr.ID)
		}
		if err := closeGrant(tx, *open, now, string(models.GrantRevoked)); err != nil {
			return err
		}
		revoked = true
		if err := insertEvent(tx, now, models.Event{OrgID: pr.OrgID, ProjectID: pr.ID, ClusterID: c.ID, ClusterName: c.Name,
			Type: models.EventRevoked, GrantID: open.ID, GrantType: open.Type, ExpiresAt: open.ExpiresAt}, a); err != nil {
			return err
		}
		return bumpProjectVersion(tx, pr.ID)
	})
	if err != nil {
		return false, models.ClusterView{}, err
	}
	return revoked, view, nil
}

// The statements of a grant change scan into variables and write from
// them rather than through GORM's reflection, which cost more than the
// database running them.

// clusterForChange reads a project's cluster by name for a change to its
// grants. On PostgreSQL it locks the row so that changes to one cluster's
// grants queue: the lock lasts until the transaction ends, so a second
// writer reads the first one's result instead of racing it and retrying.
// (NO KEY UPDATE does not block the key-share lock that inserting a grant
// takes on its cluster.) SQLite's immediate transactions already serialize
// writers. The unique index and conditional updates stay the guarantee;
// the lock only spares the retries.
var qClusterForChange = newQuery(`SELECT `+clusterCols+` FROM clusters c WHERE c.project_id = ? AND c.name = ? LIMIT 1`, ` FOR NO KEY UPDATE`)

func clusterForChange(tx *gorm.DB, projectID, name string) (models.Cluster, error) {
	var c models.Cluster
	err := queryRow(tx, qClusterForChange, projectID, name).Scan(clusterTargets(&c)...)
	if errors.Is(err, sql.ErrNoRows) {
		return c, models.Errorf(models.ENOTFOUND, "No cluster with that id.")
	}
	return c, err
}

var qOpenGrant = newQuery(`SELECT `+grantCols+` FROM grants g WHERE g.cluster_id = ? AND g.closed_at = 0 LIMIT 1`, "")

// openGrant reads the cluster's open grant, nil when there is none.
func openGrant(tx *gorm.DB, clusterID string) (*models.Grant, error) {
	var g models.Grant
	err := queryRow(tx, qOpenGrant, clusterID).Scan(grantTargets(&g)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &g, nil
}

// viewNow fills v with the cluster as it stands inside the transaction.
func viewNow(tx *gorm.DB, v *models.ClusterView, c models.Cluster, pr models.Project, now time.Time) error {
	org, err := orgForView(tx, pr.OrgID)
	if err != nil {
		return err
	}
	open, err := openGrant(tx, c.ID)
	if err != nil {
		return err
	}
	*v = models.ClusterView{Cluster: c, Project: pr, Org: org}
	if open != nil && open.Active(now) {
		v.Grant = open
	}
	return nil
}

var qOrgForView = newQuery(`SELECT `+orgCols+` FROM organizations o WHERE o.id = ?`, "")

// orgForView reads the organization a changed cluster's view shows, in
// the change's transaction: the view is the state the change committed.
func orgForView(tx *gorm.DB, id string) (models.Organization, error) {
	var o models.Organization
	err := queryRow(tx, qOrgForView, id).Scan(orgTargets(&o)...)
	return o, err
}

// insertGrant stores a new open grant.
var qInsertGrant = newQuery(`INSERT INTO grants (id, cluster_id, project_id, org_id, type, expires_at, created_at, created_by, closed_at, close_reason, request_key, request_id)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, "")

func insertGrant(tx *gorm.DB, g models.Grant) error {
	_, err := exec(tx, qInsertGrant, g.ID, g.ClusterID, g.ProjectID, g.OrgID, string(g.Type), int64(g.ExpiresAt),
		int64(g.CreatedAt), g.CreatedBy, int64(g.ClosedAt), g.CloseReason, g.RequestKey, g.RequestID)
	return err
}

var qCloseGrant = newQuery(`UPDATE grants SET closed_at = ?, close_reason = ? WHERE id = ? AND closed_at = 0`, "")

// closeGrant closes an open grant if nobody closed it first. The
// conditional update is what makes concurrent writers safe: the loser sees
// zero rows and retries with fresh state.
func closeGrant(tx *gorm.DB, g models.Grant, at time.Time, reason string) error {
	n, err := exec(tx, qCloseGrant, int64(models.At(at)), reason, g.ID)
	if err != nil {
		return err
	}
	if n != 1 {
		return errConflict
	}
	return nil
}

// recordExpiry closes a grant whose time ran out and writes its "expired"
// event, exactly once: only the writer whose conditional update changes
// the row writes the event, and reports true. The caller then bumps the
// project's version, once, at the end of its transaction.
func recordExpiry(tx *gorm.DB, g models.Grant, clusterName string) (bool, error) {
	n, err := exec(tx, qCloseGrant, int64(g.ExpiresAt), string(models.GrantExpired), g.ID)
	if err != nil || n != 1 {
		return false, err
	}
	err = insertEvent(tx, g.ExpiresAt.Time(), models.Event{OrgID: g.OrgID, ProjectID: g.ProjectID, ClusterID: g.ClusterID,
		ClusterName: clusterName, Type: models.EventExpired, GrantID: g.ID, GrantType: g.Type, ExpiresAt: g.ExpiresAt},
		models.Actor{Principal: models.System})
	return err == nil, err
}

// SweepExpired records every open grant whose time has run out as expired.
// Several replicas may sweep at once; each grant is recorded exactly once.
func (s *Store) SweepExpired(ctx context.Context) (int, error) {
	now := s.now()
	// Each due grant with its cluster's name, for the event.
	var due []struct {
		models.Grant `gorm:"embedded"`
		ClusterName  string
	}
	if err := s.db.WithContext(ctx).Table("grants").Select("grants.*, clusters.name AS cluster_name").
		Joins("JOIN clusters ON clusters.id = grants.cluster_id").
		Where("grants.closed_at = 0 AND grants.expires_at <= ?", models.At(now)).
		Order("grants.expires_at").Limit(500).Scan(&due).Error; err != nil {
		return 0, fmt.Errorf("sweep expired grants: %w", err)
	}
	n := 0
	for _, d := range due {
		var recorded bool
		err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			var err error
			recorded, err = recordExpiry(tx, d.Grant, d.ClusterName)
			if err != nil || !recorded {
				return err
			}
			return bumpProjectVersion(tx, d.ProjectID)
		})
		if err != nil {
			return n, fmt.Errorf("sweep expired grants: %w", err)
		}
		if recorded {
			n++
		}
	}
	return n, nil
}
