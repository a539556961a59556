package store

import (
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

// grantInTx makes the grant req asks for on cluster c of project pr, in
// tx at now, for a directly or, when requestID is set, for the approval
// of that request; the grant names the request. The organization's
// policy is read and applied here, in the transaction that grants, on
// every path: the console, the Admin API and approvals. A direct grant
// of the type in force extends that grant in place; any other grant
// replaces it.
func grantInTx(tx *gorm.DB, now time.Time, a models.Actor, pr models.Project, c models.Cluster, req models.GrantRequest, requestID string) (models.GrantResult, error) {
	var res models.GrantResult
	policy, err := readPolicy(tx, pr.OrgID)
	if err != nil {
		return res, err
	}
	expires := req.ExpiresAt
	if expires.IsZero() {
		// The console grants for the policy's maximum: 24 hours by default.
		expires = now.Add(policy.MaxDuration())
	}
	if err := models.ValidateGrant(c, req.Type, expires, now); err != nil {
		return res, err
	}
	path := models.DirectGrant
	if requestID != "" {
		path = models.ApprovedGrant
	}
	if err := policy.CheckGrant(a.Principal, req.Type, expires.Sub(now), path); err != nil {
		return res, err
	}
	open, err := openGrant(tx, c.ID)
	if err != nil {
		return res, err
	}
	if open != nil && open.Active(now) && open.Type == req.Type && path == models.DirectGrant {
		return extendGrant(tx, now, a, pr, c, *open, expires, req.RequestKey)
	}
	if open != nil {
		if open.Active(now) {
			if err := closeGrant(tx, *open, now, string(models.GrantReplaced)); err != nil {
				return res, err
			}
			res.Replaced = open
		} else if _, err := recordExpiry(tx, *open, c.Name); err != nil {
			return res, err
		}
	}
	g := models.Grant{ID: models.NewID(now), ClusterID: c.ID, ProjectID: pr.ID, OrgID: pr.OrgID, Type: req.Type,
		ExpiresAt: models.At(expires), CreatedAt: models.At(now), CreatedBy: a.Name, RequestKey: storedRequestKey(req.RequestKey),
		RequestID: requestID}
	if err := insertGrant(tx, g); err != nil {
		return res, err
	}
	ev := models.Event{OrgID: pr.OrgID, ProjectID: pr.ID, ClusterID: c.ID, ClusterName: c.Name, Type: models.EventGranted,
		GrantID: g.ID, GrantType: g.Type, ExpiresAt: g.ExpiresAt}
	if res.Replaced != nil {
		ev.Type = models.EventReplaced
		ev.Detail = "Replaced " + string(res.Replaced.Type) + " grant " + res.Replaced.ID
	}
	if requestID != "" {
		ev.Detail = joinDetail(ev.Detail, "Approved request "+requestID)
	}
	res.Grant, res.State = g, models.GrantInForce
	if err := insertEvent(tx, now, ev, a); err != nil {
		return res, err
	}
	return res, finishGrant(tx, &res, c, pr)
}

var qInsertExtensionKey = newQuery(`INSERT INTO grant_extensions (org_id, request_key, grant_id, at) VALUES (?, ?, ?, ?)`, "")

var qExtendGrant = newQuery(`UPDATE grants SET expires_at = ? WHERE id = ? AND closed_at = 0`, "")

// extendGrant gives the grant in force g a new expiry in place, recorded
// as an extension: the grant keeps its id, type and request.
func extendGrant(tx *gorm.DB, now time.Time, a models.Actor, pr models.Project, c models.Cluster, g models.Grant, expires time.Time, requestKey string) (models.GrantResult, error) {
	n, err := exec(tx, qExtendGrant, int64(models.At(expires)), g.ID)
	if err != nil {
		return models.GrantResult{}, err
	}
	if n != 1 {
		return models.GrantResult{}, errConflict
	}
	// The form's key, so that sending it again extends nothing (a
	// second sender of the same key at once meets the primary key and
	// retries, then finds it).
	if requestKey != "" {
		if _, err := exec(tx, qInsertExtensionKey, pr.OrgID, requestKey, g.ID, int64(models.At(now))); err != nil {
			return models.GrantResult{}, err
		}
	}
	before := g.ExpiresAt
	g.ExpiresAt = models.At(expires)
	res := models.GrantResult{Grant: g, Extended: true, State: models.GrantInForce}
	if err := insertEvent(tx, now, models.Event{OrgID: pr.OrgID, ProjectID: pr.ID, ClusterID: c.ID, ClusterName: c.Name,
		Type: models.EventExtended, GrantID: g.ID, GrantType: g.Type, ExpiresAt: g.ExpiresAt,
		Detail: "Extended from " + before.Time().Format(time.RFC3339)}, a); err != nil {
		return res, err
	}
	return res, finishGrant(tx, &res, c, pr)
}

// finishGrant fills the result's view of the cluster as the grant left it
// and bumps the project's version, once, last, for the grant and any
// expiry recorded before it.
func finishGrant(tx *gorm.DB, res *models.GrantResult, c models.Cluster, pr models.Project) error {
	org, err := orgForView(tx, pr.OrgID)
	if err != nil {
		return err
	}
	res.Cluster = models.ClusterView{Cluster: c, Project: pr, Org: org, Grant: &res.Grant}
	return bumpProjectVersion(tx, pr.ID)
}

// joinDetail joins two parts of an event's detail.
func joinDetail(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
