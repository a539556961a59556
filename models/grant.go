package models

import (
	"slices"
	"time"
)

// GrantType is the kind of temporary access, named as in the Atlas API.
type GrantType string

// The three grant types.
const (
	GrantInfrastructure     GrantType = "CLUSTER_INFRASTRUCTURE"
	GrantDatabaseLogs       GrantType = "CLUSTER_DATABASE_LOGS"
	GrantInfrastructureSync GrantType = "CLUSTER_INFRASTRUCTURE_AND_APP_SERVICES_SYNC_DATA"
)

// GrantTypes lists the grant types in the order the grant modal shows them.
var GrantTypes = []GrantType{GrantInfrastructure, GrantDatabaseLogs, GrantInfrastructureSync}

// Label is the grant type's words in the grant modal, as in the source procedure.
func (t GrantType) Label() string {
	switch t {
	case GrantInfrastructure:
		return "Atlas cluster infrastructure and all cluster logs"
	case GrantDatabaseLogs:
		return "Only database logs"
	case GrantInfrastructureSync:
		return "Grant Infrastructure and App Services Sync Data"
	}
	return string(t)
}

// Short is a compact name for badges and tables.
func (t GrantType) Short() string {
	switch t {
	case GrantInfrastructure:
		return "Infrastructure and logs"
	case GrantDatabaseLogs:
		return "Database logs only"
	case GrantInfrastructureSync:
		return "Infrastructure and sync data"
	}
	return string(t)
}

// Valid reports whether t is one of the three grant types.
func (t GrantType) Valid() bool {
	return t == GrantInfrastructure || t == GrantDatabaseLogs || t == GrantInfrastructureSync
}

// GrantDuration is how long a console grant lasts, and the longest an API grant may.
const GrantDuration = 24 * time.Hour

// Active reports whether the grant is in force at now: not closed, and now
// is before its expiration. It is computed at the moment of the question.
func (g Grant) Active(now time.Time) bool {
	return g.ClosedAt == 0 && now.Before(g.ExpiresAt.Time())
}

// GrantState is what had become of a grant at a moment: still in force,
// or how it ended. The closed states are spelled as the grants table's
// close_reason.
type GrantState string

// The states of a grant.
const (
	GrantInForce  GrantState = "IN_FORCE"
	GrantRevoked  GrantState = "REVOKED"
	GrantReplaced GrantState = "REPLACED"
	GrantExpired  GrantState = "EXPIRED"
	// GrantClosed is a grant closed for a reason this build does not name.
	GrantClosed GrantState = "CLOSED"
)

// StateAt says what had become of the grant at now, and when it ended
// (zero while in force). A grant whose time ran out is expired at its
// expiration whether or not the expiry has been recorded yet, so that the
// answer never depends on when a sweeper last ran.
func (g Grant) StateAt(now time.Time) (GrantState, time.Time) {
	if g.ClosedAt == 0 {
		if now.Before(g.ExpiresAt.Time()) {
			return GrantInForce, time.Time{}
		}
		return GrantExpired, g.ExpiresAt.Time()
	}
	switch s := GrantState(g.CloseReason); s {
	case GrantRevoked, GrantReplaced, GrantExpired:
		return s, g.ClosedAt.Time()
	}
	return GrantClosed, g.ClosedAt.Time()
}

// Remaining is the time left on the grant at now, never negative.
func (g Grant) Remaining(now time.Time) time.Duration {
	if !g.Active(now) {
		return 0
	}
	return g.ExpiresAt.Time().Sub(now)
}

// ValidateGrant checks a grant request against the rules: a known type, the
// sync type only where App Services sync is enabled, an expiration in the
// future and at most 24 hours ahead.
func ValidateGrant(c Cluster, t GrantType, expires, now time.Time) error {
	if !t.Valid() {
		return FieldError("grantType", "Unknown grant type %q. Use CLUSTER_INFRASTRUCTURE, CLUSTER_DATABASE_LOGS or CLUSTER_INFRASTRUCTURE_AND_APP_SERVICES_SYNC_DATA.", string(t))
	}
	if t == GrantInfrastructureSync && !c.SyncEnabled {
		return FieldError("grantType", "Cluster %s does not have App Services sync enabled, so sync data access cannot be granted.", c.Name)
	}
	if expires.IsZero() {
		return FieldError("expirationTime", "An expiration time is required.")
	}
	if !expires.After(now) {
		return FieldError("expirationTime", "The expiration time must be in the future.")
	}
	if expires.Sub(now) > GrantDuration {
		return FieldError("expirationTime", "The expiration time must be at most 24 hours from now.")
	}
	return nil
}

// GrantTypesFor lists the grant types a cluster can take: the sync-data
// type only where App Services sync is enabled. The answer is a copy, so
// that a caller editing it cannot change the choices of later requests.
func GrantTypesFor(c Cluster) []GrantType {
	if c.SyncEnabled {
		return slices.Clone(GrantTypes)
	}
	return slices.Clone(GrantTypes[:2])
}

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

// CheckRequestKey refuses a request key longer than any the console
// makes, for the grant dialog and the credential forms alike.
func CheckRequestKey(key string) error {
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
	// Extended is set when the grant in force, of the same type, was
	// given a new expiry in place (Grant is it, extended).
	Extended bool
	Repeated bool // the request key was seen before; nothing changed
	// State is what had become of Grant at the moment of the request, and
	// EndedAt when it ended: a new grant is in force, a repeated one may
	// since have been revoked, replaced or run out.
	State   GrantState
	EndedAt time.Time
}
