package models

import (
	"slices"
	"strconv"
	"time"
)

// SupportAccessPolicy is the limits an organization's owners set once on
// support access: how long a grant may last, which grant types may be
// granted at all, whether access starts only from an approved request,
// and whether sync data needs a second approver. RetentionDays is kept
// here and enforced by the record's retention.
type SupportAccessPolicy struct {
	OrgID                     string
	MaxGrantHours             int
	AllowedTypes              []GrantType
	RequireRequest            bool
	SecondApproverForSyncData bool
	RetentionDays             int
}

// Policy bounds and defaults, as product.md gives them.
const (
	MinGrantHours        = 1
	MaxGrantHours        = 24
	DefaultRetentionDays = 400
	MinRetentionDays     = 1
	MaxRetentionDays     = 3650
)

// DefaultPolicy is the policy of an organization whose owners never set
// one: 24 hours, every type, no request needed, one approver.
func DefaultPolicy(orgID string) SupportAccessPolicy {
	return SupportAccessPolicy{OrgID: orgID, MaxGrantHours: MaxGrantHours, AllowedTypes: slices.Clone(GrantTypes),
		RetentionDays: DefaultRetentionDays}
}

// MaxDuration is the longest grant the policy allows.
func (p SupportAccessPolicy) MaxDuration() time.Duration {
	return time.Duration(p.MaxGrantHours) * time.Hour
}

// Allows reports whether the policy lets a grant of type t be made.
func (p SupportAccessPolicy) Allows(t GrantType) bool { return slices.Contains(p.AllowedTypes, t) }

// Validate checks a policy an owner sets: a maximum of 1 to 24 hours, at
// least one allowed type and only known ones, each once, and a retention
// within bounds.
func (p SupportAccessPolicy) Validate() error {
	if p.MaxGrantHours < MinGrantHours || p.MaxGrantHours > MaxGrantHours {
		return FieldError("maxGrantDurationHours", "The maximum grant duration is a whole number of hours from 1 to 24.")
	}
	if len(p.AllowedTypes) == 0 {
		return FieldError("allowedGrantTypes", "Allow at least one grant type; to stop support access altogether, turn on the block setting.")
	}
	for i, t := range p.AllowedTypes {
		if !t.Valid() {
			return FieldError("allowedGrantTypes", "Unknown grant type %q. Use CLUSTER_INFRASTRUCTURE, CLUSTER_DATABASE_LOGS or CLUSTER_INFRASTRUCTURE_AND_APP_SERVICES_SYNC_DATA.", clip(string(t), 64))
		}
		if slices.Contains(p.AllowedTypes[:i], t) {
			return FieldError("allowedGrantTypes", "Grant type %s is listed twice.", t)
		}
	}
	if p.RetentionDays < MinRetentionDays || p.RetentionDays > MaxRetentionDays {
		return FieldError("retentionDays", "Retention is a whole number of days from 1 to 3650.")
	}
	return nil
}

// Normalize puts the allowed types in the grant modal's order, so that a
// stored policy reads the same whichever order it was sent in.
func (p SupportAccessPolicy) Normalize() SupportAccessPolicy {
	var ts []GrantType
	for _, t := range GrantTypes {
		if slices.Contains(p.AllowedTypes, t) {
			ts = append(ts, t)
		}
	}
	p.AllowedTypes = ts
	return p
}

// GrantPath says how a grant comes about, for the policy's checks.
type GrantPath int

// The ways a grant is made.
const (
	// DirectGrant is a person in the console or an API credential granting.
	DirectGrant GrantPath = iota
	// ApprovedGrant is the grant an approved request creates.
	ApprovedGrant
)

// CheckGrant is the one check of the policy that every path that grants
// runs, inside the transaction that grants: grant type t for duration d,
// made by p in organization orgID along path. Its errors say why, in
// words fit for the grant dialog and the API's detail.
func (p SupportAccessPolicy) CheckGrant(pr Principal, t GrantType, d time.Duration, path GrantPath) error {
	if !p.Allows(t) {
		return FieldError("grantType", "This organization's support access policy does not allow %s grants.", t.Short())
	}
	if d > p.MaxDuration() {
		field := "expirationTime"
		if path == ApprovedGrant {
			field = "durationHours"
		}
		return FieldError(field, "This organization's support access policy allows grants of at most %s.", Hours(p.MaxGrantHours))
	}
	if path == DirectGrant {
		if p.RequireRequest && pr.OrgRoles[p.OrgID] != OrgOwner {
			return Errorf(EFORBIDDEN, "This organization's support access policy requires a request: support access starts only from an approved request, and only an Organization Owner may grant directly.")
		}
		if p.SecondApproverForSyncData && t == GrantInfrastructureSync {
			return FieldError("grantType", "This organization's support access policy needs a second approver for sync data: it can only be granted by approving a request, by two people.")
		}
	}
	return nil
}

// DirectGrantTypes is what the grant dialog offers on cluster c under the
// policy, and for each type it leaves out, why.
func (p SupportAccessPolicy) DirectGrantTypes(pr Principal, c Cluster) ([]GrantType, []string) {
	var offer []GrantType
	var why []string
	for _, t := range GrantTypesFor(c) {
		if err := p.CheckGrant(pr, t, 0, DirectGrant); err != nil {
			if msg := ErrorMessage(err); !slices.Contains(why, msg) {
				why = append(why, msg)
			}
			continue
		}
		offer = append(offer, t)
	}
	return offer, why
}

// Hours writes a number of hours in words: "1 hour", "24 hours".
func Hours(n int) string {
	if n == 1 {
		return "1 hour"
	}
	return strconv.Itoa(n) + " hours"
}

// ClampExpiry is when a grant in force must end under the policy at now:
// its own expiry, or now plus the maximum if that comes first, so that a
// tightened policy never leaves a grant outliving its maximum.
func (p SupportAccessPolicy) ClampExpiry(expires, now time.Time) time.Time {
	if limit := now.Add(p.MaxDuration()); expires.After(limit) {
		return limit
	}
	return expires
}
