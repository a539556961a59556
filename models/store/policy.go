package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

// An organization's support access policy (models.SupportAccessPolicy) is
// a row of its own table, absent until an owner first changes it: an
// organization without one has the defaults.

// policyRow is one row of qPolicy, named as the columns it reads.
type policyRow struct {
	MaxGrantHours      int
	AllowedTypes       string
	RequireRequest     bool
	SecondApproverSync bool
	RetentionDays      int
}

func (r *policyRow) targets() []any {
	return []any{&r.MaxGrantHours, &r.AllowedTypes, &r.RequireRequest, &r.SecondApproverSync, &r.RetentionDays}
}

// policy is the row as the domain reads it: the defaults for none.
func (r *policyRow) policy(orgID string) models.SupportAccessPolicy {
	if r.MaxGrantHours == 0 {
		return models.DefaultPolicy(orgID)
	}
	p := models.SupportAccessPolicy{OrgID: orgID, MaxGrantHours: r.MaxGrantHours, RequireRequest: r.RequireRequest,
		SecondApproverForSyncData: r.SecondApproverSync, RetentionDays: r.RetentionDays}
	for _, t := range strings.Split(r.AllowedTypes, ",") {
		if t != "" {
			p.AllowedTypes = append(p.AllowedTypes, models.GrantType(t))
		}
	}
	return p
}

var (
	// The organization's row is share-locked on PostgreSQL, so that a
	// grant and a policy change (which locks it for update) take turns:
	// a grant never reads a policy that a change is about to tighten
	// under it.
	qPolicy = newQuery(`SELECT COALESCE(sp.max_grant_hours, 0) AS max_grant_hours, COALESCE(sp.allowed_types, '') AS allowed_types,
		COALESCE(sp.require_request, FALSE) AS require_request, COALESCE(sp.second_approver_sync, FALSE) AS second_approver_sync,
		COALESCE(sp.retention_days, 0) AS retention_days
		FROM organizations o LEFT JOIN support_access_policies sp ON sp.org_id = o.id WHERE o.id = ?`, ` FOR SHARE OF o`)
	qSetPolicy = newQuery(`INSERT INTO support_access_policies (org_id, max_grant_hours, allowed_types, require_request, second_approver_sync, retention_days)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (org_id) DO UPDATE SET max_grant_hours = excluded.max_grant_hours,
		allowed_types = excluded.allowed_types, require_request = excluded.require_request,
		second_approver_sync = excluded.second_approver_sync, retention_days = excluded.retention_days`, "")
	qLockOrg = newQuery(`SELECT o.id FROM organizations o WHERE o.id = ?`, ` FOR UPDATE`)
)

// readPolicy reads an organization's policy in tx.
func readPolicy(tx *gorm.DB, orgID string) (models.SupportAccessPolicy, error) {
	var r policyRow
	err := queryRow(tx, qPolicy, orgID).Scan(r.targets()...)
	if errors.Is(err, sql.ErrNoRows) {
		return models.SupportAccessPolicy{}, models.ErrNoOrg()
	}
	if err != nil {
		return models.SupportAccessPolicy{}, fmt.Errorf("support access policy: %w", err)
	}
	return r.policy(orgID), nil
}

// SupportAccessPolicy returns an organization's policy to anyone who may
// see the organization.
func (s *Store) SupportAccessPolicy(ctx context.Context, p models.Principal, orgID string) (models.SupportAccessPolicy, error) {
	if !models.CanViewOrg(p, orgID) {
		return models.SupportAccessPolicy{}, models.ErrNoOrg()
	}
	return readPolicy(s.db.WithContext(ctx), orgID)
}

// PolicyChange names the settings a change sets; a nil field leaves its
// setting as it is.
type PolicyChange struct {
	MaxGrantHours             *int
	AllowedTypes              []models.GrantType // nil: unchanged
	RequireRequest            *bool
	SecondApproverForSyncData *bool
	RetentionDays             *int
}

// SetSupportAccessPolicy changes the settings ch names, as only an
// organization owner may, and returns the policy after the change. A
// shorter maximum shortens the grants in force that would outlive it, in
// the same transaction; the change is an activity event.
func (s *Store) SetSupportAccessPolicy(ctx context.Context, a models.Actor, orgID string, ch PolicyChange) (models.SupportAccessPolicy, error) {
	if !models.CanViewOrg(a.Principal, orgID) {
		return models.SupportAccessPolicy{}, models.ErrNoOrg()
	}
	if !models.CanChangeBlock(a.Principal, orgID) {
		return models.SupportAccessPolicy{}, models.Errorf(models.EFORBIDDEN, "Only an Organization Owner can change the support access policy.")
	}
	var out models.SupportAccessPolicy
	err := s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
		if s.IsPostgres() {
			var id string
			if err := queryRow(tx, qLockOrg, orgID).Scan(&id); err != nil {
				return fmt.Errorf("support access policy: %w", err)
			}
		}
		before, err := readPolicy(tx, orgID)
		if err != nil {
			return err
		}
		out = applyPolicyChange(before, ch).Normalize()
		if err := out.Validate(); err != nil {
			return err
		}
		var types []string
		for _, t := range out.AllowedTypes {
			types = append(types, string(t))
		}
		if _, err := exec(tx, qSetPolicy, orgID, out.MaxGrantHours, strings.Join(types, ","), out.RequireRequest,
			out.SecondApproverForSyncData, out.RetentionDays); err != nil {
			return fmt.Errorf("support access policy: %w", err)
		}
		detail := policyDetail(out)
		if out.MaxGrantHours < before.MaxGrantHours {
			n, err := clampGrants(tx, orgID, now.Add(out.MaxDuration()))
			if err != nil {
				return err
			}
			if n > 0 {
				detail += fmt.Sprintf("; %d grant(s) in force shortened to end by %s", n, now.Add(out.MaxDuration()).Format(time.RFC3339))
			}
		}
		return insertEvent(tx, now, models.Event{OrgID: orgID, Type: models.EventPolicyChanged, Detail: detail}, a)
	})
	return out, err
}

// applyPolicyChange is p with ch's settings.
func applyPolicyChange(p models.SupportAccessPolicy, ch PolicyChange) models.SupportAccessPolicy {
	if ch.MaxGrantHours != nil {
		p.MaxGrantHours = *ch.MaxGrantHours
	}
	if ch.AllowedTypes != nil {
		p.AllowedTypes = ch.AllowedTypes
	}
	if ch.RequireRequest != nil {
		p.RequireRequest = *ch.RequireRequest
	}
	if ch.SecondApproverForSyncData != nil {
		p.SecondApproverForSyncData = *ch.SecondApproverForSyncData
	}
	if ch.RetentionDays != nil {
		p.RetentionDays = *ch.RetentionDays
	}
	return p
}

// policyDetail is the policy in words, for its event.
func policyDetail(p models.SupportAccessPolicy) string {
	var types []string
	for _, t := range p.AllowedTypes {
		types = append(types, t.Short())
	}
	return fmt.Sprintf("Maximum %s; allowed: %s; require a request: %v; second approver for sync data: %v; keep %d days",
		models.Hours(p.MaxGrantHours), strings.Join(types, ", "), p.RequireRequest, p.SecondApproverForSyncData, p.RetentionDays)
}

// clampGrants ends the organization's grants in force by limit at the
// latest, and bumps the versions of the projects whose grants moved.
func clampGrants(tx *gorm.DB, orgID string, limit time.Time) (int, error) {
	var projects []string
	if err := tx.Model(&models.Grant{}).Distinct("project_id").
		Where("org_id = ? AND closed_at = 0 AND expires_at > ?", orgID, models.At(limit)).Pluck("project_id", &projects).Error; err != nil {
		return 0, fmt.Errorf("shorten grants: %w", err)
	}
	res := tx.Model(&models.Grant{}).Where("org_id = ? AND closed_at = 0 AND expires_at > ?", orgID, models.At(limit)).
		Update("expires_at", models.At(limit))
	if res.Error != nil {
		return 0, fmt.Errorf("shorten grants: %w", res.Error)
	}
	for _, id := range projects {
		if err := bumpProjectVersion(tx, id); err != nil {
			return 0, err
		}
	}
	return int(res.RowsAffected), nil
}
