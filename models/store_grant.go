package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// GrantRequest asks for temporary support access to one cluster.
type GrantRequest struct {
	ProjectID   string
	ClusterName string
	Type        GrantType
	// ExpiresAt is the API's expirationTime. Zero means the console's rule:
	// exactly 24 hours from the moment of the grant.
	ExpiresAt time.Time
	// RequestKey, when set, makes the request idempotent. At most
	// MaxRequestKey bytes.
	RequestKey string
}

// MaxRequestKey is the longest request key a request may carry.
const MaxRequestKey = 64

// checkRequestKey refuses a request key longer than any the console
// makes, for the grant dialog and the credential forms alike.
func checkRequestKey(key string) error {
	if len(key) > MaxRequestKey {
		return FieldError("requestKey", "Open the page again: this form is not one the console made.")
	}
	return nil
}

// GrantResult says what a grant request did.
type GrantResult struct {
	Grant    Grant
	Cluster  ClusterView
	Replaced *Grant // the grant this one replaced, if any
	Repeated bool   // the request key was seen before; nothing changed
}

// GrantAccess grants support access to a cluster. One grant at most is in
// force per cluster: granting again replaces it. An open grant whose time
// has run out is first recorded as expired. Every change writes an event in
// the same transaction.
func (s *Store) GrantAccess(ctx context.Context, a Actor, req GrantRequest) (GrantResult, error) {
	var res GrantResult
	if err := checkRequestKey(req.RequestKey); err != nil {
		return res, err
	}
	pr, err := s.Project(ctx, a.Principal, req.ProjectID)
	if err != nil {
		return res, err
	}
	if err := authorizeProject(a.Principal, pr, true); err != nil {
		return res, err
	}
	err = s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
		res = GrantResult{}
		c, err := clusterForChange(tx, pr.ID, req.ClusterName)
		if err != nil {
			return err
		}
		if req.RequestKey != "" {
			var prior Grant
			if err := tx.Where("request_key = ?", req.RequestKey).Limit(1).Find(&prior).Error; err != nil {
				return err
			}
			if prior.ID != "" {
				if prior.ClusterID != c.ID {
					return FieldError("requestKey", "This form was already used for another cluster. Open the grant dialog again.")
				}
				res.Grant, res.Repeated = prior, true
				return viewNow(tx, &res.Cluster, c, pr, now)
			}
		}
		expires := req.ExpiresAt
		if expires.IsZero() {
			expires = now.Add(GrantDuration)
		}
		if err := ValidateGrant(c, req.Type, expires, now); err != nil {
			return err
		}
		open, err := openGrant(tx, c.ID, false)
		if err != nil {
			return err
		}
		if open != nil {
			if open.Active(now) {
				if err := closeGrant(tx, *open, now, "REPLACED"); err != nil {
					return err
				}
				res.Replaced = open
			} else if _, err := recordExpiry(tx, *open, c.Name); err != nil {
				return err
			}
		}
		g := Grant{ID: NewID(now), ClusterID: c.ID, ProjectID: pr.ID, OrgID: pr.OrgID, Type: req.Type,
			ExpiresAt: At(expires), CreatedAt: At(now), CreatedBy: a.Name, RequestKey: storedRequestKey(req.RequestKey)}
		if err := insertGrant(tx, g); err != nil {
			return err
		}
		ev := Event{OrgID: pr.OrgID, ProjectID: pr.ID, ClusterID: c.ID, ClusterName: c.Name, Type: EventGranted,
			GrantID: g.ID, GrantType: g.Type, ExpiresAt: g.ExpiresAt}
		if res.Replaced != nil {
			ev.Type = EventReplaced
			ev.Detail = "Replaced " + string(res.Replaced.Type) + " grant " + res.Replaced.ID
		}
		res.Grant = g
		if err := insertEvent(tx, now, ev, a); err != nil {
			return err
		}
		org, err := orgForView(tx, pr.OrgID)
		if err != nil {
			return err
		}
		res.Cluster = ClusterView{Cluster: c, Project: pr, Org: org, Grant: &res.Grant}
		// Once, last, for the new grant and any expiry recorded above.
		return bumpProjectVersion(tx, pr.ID)
	})
	return res, err
}

// RevokeAccess ends the grant in force on a cluster at once. With no grant
// in force it changes nothing and reports false; that is not an error, so
// that callers may retry safely.
func (s *Store) RevokeAccess(ctx context.Context, a Actor, projectID, clusterName string) (bool, ClusterView, error) {
	pr, err := s.Project(ctx, a.Principal, projectID)
	if err != nil {
		return false, ClusterView{}, err
	}
	if err := authorizeProject(a.Principal, pr, true); err != nil {
		return false, ClusterView{}, err
	}
	revoked := false
	var view ClusterView
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
		view = ClusterView{Cluster: c, Project: pr, Org: org}
		open, err := openGrant(tx, c.ID, false)
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
		if err := closeGrant(tx, *open, now, "REVOKED"); err != nil {
			return err
		}
		revoked = true
		if err := insertEvent(tx, now, Event{OrgID: pr.OrgID, ProjectID: pr.ID, ClusterID: c.ID, ClusterName: c.Name,
			Type: EventRevoked, GrantID: open.ID, GrantType: open.Type, ExpiresAt: open.ExpiresAt}, a); err != nil {
			return err
		}
		return bumpProjectVersion(tx, pr.ID)
	})
	if err != nil {
		return false, ClusterView{}, err
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

func clusterForChange(tx *gorm.DB, projectID, name string) (Cluster, error) {
	var c Cluster
	err := queryRow(tx, qClusterForChange, projectID, name).Scan(c.targets()...)
	if errors.Is(err, sql.ErrNoRows) {
		return c, Errorf(ENOTFOUND, "No cluster with that id.")
	}
	return c, err
}

const openGrantSQL = `SELECT ` + grantCols + ` FROM grants g WHERE g.cluster_id = ? AND g.closed_at = 0 LIMIT 1`

var (
	qOpenGrant       = newQuery(openGrantSQL, "")
	qOpenGrantShared = newQuery(openGrantSQL, ` FOR SHARE`)
)

// openGrant reads the cluster's open grant, nil when there is none. share
// takes a shared lock on it on PostgreSQL.
func openGrant(tx *gorm.DB, clusterID string, share bool) (*Grant, error) {
	q := qOpenGrant
	if share {
		q = qOpenGrantShared
	}
	var g Grant
	err := queryRow(tx, q, clusterID).Scan(g.targets()...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &g, nil
}

// viewNow fills v with the cluster as it stands inside the transaction.
func viewNow(tx *gorm.DB, v *ClusterView, c Cluster, pr Project, now time.Time) error {
	org, err := orgForView(tx, pr.OrgID)
	if err != nil {
		return err
	}
	open, err := openGrant(tx, c.ID, false)
	if err != nil {
		return err
	}
	*v = ClusterView{Cluster: c, Project: pr, Org: org}
	if open != nil && open.Active(now) {
		v.Grant = open
	}
	return nil
}

var qOrgForView = newQuery(`SELECT `+orgCols+` FROM organizations o WHERE o.id = ?`, "")

// orgForView reads the organization a changed cluster's view shows, in
// the change's transaction: the view is the state the change committed.
func orgForView(tx *gorm.DB, id string) (Organization, error) {
	var o Organization
	err := queryRow(tx, qOrgForView, id).Scan(o.targets()...)
	return o, err
}

// insertGrant stores a new open grant.
var qInsertGrant = newQuery(`INSERT INTO grants (id, cluster_id, project_id, org_id, type, expires_at, created_at, created_by, closed_at, close_reason, request_key)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, "")

func insertGrant(tx *gorm.DB, g Grant) error {
	_, err := exec(tx, qInsertGrant, g.ID, g.ClusterID, g.ProjectID, g.OrgID, string(g.Type), int64(g.ExpiresAt),
		int64(g.CreatedAt), g.CreatedBy, int64(g.ClosedAt), g.CloseReason, g.RequestKey)
	return err
}

var qCloseGrant = newQuery(`UPDATE grants SET closed_at = ?, close_reason = ? WHERE id = ? AND closed_at = 0`, "")

// closeGrant closes an open grant if nobody closed it first. The
// conditional update is what makes concurrent writers safe: the loser sees
// zero rows and retries with fresh state.
func closeGrant(tx *gorm.DB, g Grant, at time.Time, reason string) error {
	n, err := exec(tx, qCloseGrant, int64(At(at)), reason, g.ID)
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
func recordExpiry(tx *gorm.DB, g Grant, clusterName string) (bool, error) {
	n, err := exec(tx, qCloseGrant, int64(g.ExpiresAt), "EXPIRED", g.ID)
	if err != nil || n != 1 {
		return false, err
	}
	err = insertEvent(tx, g.ExpiresAt.Time(), Event{OrgID: g.OrgID, ProjectID: g.ProjectID, ClusterID: g.ClusterID,
		ClusterName: clusterName, Type: EventExpired, GrantID: g.ID, GrantType: g.Type, ExpiresAt: g.ExpiresAt},
		Actor{Principal: System})
	return err == nil, err
}

// SweepExpired records every open grant whose time has run out as expired.
// Several replicas may sweep at once; each grant is recorded exactly once.
func (s *Store) SweepExpired(ctx context.Context) (int, error) {
	now := s.now()
	// Each due grant with its cluster's name, for the event.
	var due []struct {
		Grant       `gorm:"embedded"`
		ClusterName string
	}
	if err := s.DB.WithContext(ctx).Table("grants").Select("grants.*, clusters.name AS cluster_name").
		Joins("JOIN clusters ON clusters.id = grants.cluster_id").
		Where("grants.closed_at = 0 AND grants.expires_at <= ?", At(now)).
		Order("grants.expires_at").Limit(500).Scan(&due).Error; err != nil {
		return 0, fmt.Errorf("sweep expired grants: %w", err)
	}
	n := 0
	for _, d := range due {
		var recorded bool
		err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
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
