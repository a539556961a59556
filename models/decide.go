package models

import "time"

// Scope is what a support employee asks to touch on a cluster.
type Scope string

// The five scopes of an access decision.
const (
	ScopeInfrastructure Scope = "INFRASTRUCTURE"
	ScopeClusterLogs    Scope = "CLUSTER_LOGS"
	ScopeDatabaseLogs   Scope = "DATABASE_LOGS"
	ScopeAuditLogs      Scope = "AUDIT_LOGS"
	ScopeSyncData       Scope = "APP_SERVICES_SYNC_DATA"
)

// Scopes lists every scope, in the order of the decision table.
var Scopes = []Scope{ScopeInfrastructure, ScopeClusterLogs, ScopeDatabaseLogs, ScopeAuditLogs, ScopeSyncData}

// Valid reports whether s is one of the five scopes.
func (s Scope) Valid() bool {
	for _, k := range Scopes {
		if k == s {
			return true
		}
	}
	return false
}

// Label is the scope in words, for the Support Access Log.
func (s Scope) Label() string {
	switch s {
	case ScopeInfrastructure:
		return "Infrastructure"
	case ScopeClusterLogs:
		return "Cluster logs"
	case ScopeDatabaseLogs:
		return "Database logs"
	case ScopeAuditLogs:
		return "Audit logs"
	case ScopeSyncData:
		return "App Services sync data"
	}
	return string(s)
}

// Covers reports whether a grant of type t lets support touch scope s.
// A database-logs grant never covers audit logs, and only the sync-data
// grant covers sync data.
func (t GrantType) Covers(s Scope) bool {
	switch t {
	case GrantInfrastructure:
		return s == ScopeInfrastructure || s == ScopeClusterLogs || s == ScopeDatabaseLogs || s == ScopeAuditLogs
	case GrantDatabaseLogs:
		return s == ScopeDatabaseLogs
	case GrantInfrastructureSync:
		return s.Valid()
	}
	return false
}

// ReasonCode names why a decision came out as it did, for machines and
// tests; Verdict.Reason says the same in words for people.
type ReasonCode string

// Reason codes of access decisions.
const (
	ReasonStandingAccess ReasonCode = "STANDING_ACCESS"      // block off, scope other than sync data
	ReasonGrantCovers    ReasonCode = "GRANT_COVERS_SCOPE"   // an active grant covers the scope
	ReasonGrantNarrower  ReasonCode = "GRANT_DOES_NOT_COVER" // an active grant exists but not for this scope
	ReasonNoGrant        ReasonCode = "NO_ACTIVE_GRANT"      // blocked and nothing in force
	ReasonSyncNeedsGrant ReasonCode = "SYNC_DATA_NEEDS_GRANT"
	ReasonSyncNotEnabled ReasonCode = "SYNC_NOT_ENABLED"
	ReasonInvalidRequest ReasonCode = "INVALID_REQUEST" // recorded for a refused, malformed question
	ReasonUnknownScope   ReasonCode = "UNKNOWN_SCOPE"
)

// Verdict is the outcome of one access decision. Grant is the grant in
// force at that instant, if any, whether or not it was what decided.
type Verdict struct {
	Allowed bool
	Code    ReasonCode
	Reason  string
	Grant   *Grant
}

// Decide answers "may support touch scope of cluster c at now?" from the
// organization's block setting and the cluster's open grant (nil if none).
// It is the product's decision table and nothing else: whether the grant
// is in force is computed here, at the moment of the question, with
// Grant.Active, so that a grant is refused from the very nanosecond of its
// expiration even if no sweep has recorded it yet.
func Decide(blocked bool, c Cluster, g *Grant, scope Scope, now time.Time) Verdict {
	var active *Grant
	if g != nil && g.ClusterID == c.ID && g.Active(now) {
		gc := *g
		active = &gc
	}
	v := Verdict{Grant: active}
	switch {
	case !scope.Valid():
		v.Code, v.Reason = ReasonUnknownScope, "Unknown scope."
	case scope == ScopeSyncData && !c.SyncEnabled:
		v.Code, v.Reason = ReasonSyncNotEnabled, "App Services sync is not enabled on this cluster, so there is no sync data to access."
	case active != nil && active.Type.Covers(scope):
		v.Allowed, v.Code = true, ReasonGrantCovers
		v.Reason = "The customer granted " + active.Type.Short() + " access until " + active.ExpiresAt.Time().Format(time.RFC3339) + "."
	case scope == ScopeSyncData:
		v.Code, v.Reason = ReasonSyncNeedsGrant, "App Services sync data needs an active sync-data grant from the customer, whatever the block setting."
	case !blocked:
		v.Allowed, v.Code = true, ReasonStandingAccess
		v.Reason = "The organization does not block support access, so support has standing access to infrastructure and logs."
	case active != nil:
		v.Code, v.Reason = ReasonGrantNarrower, "The customer's active grant ("+active.Type.Short()+") does not cover "+scope.Label()+"."
	default:
		v.Code, v.Reason = ReasonNoGrant, "The organization blocks support access and no temporary access is granted on this cluster."
	}
	return v
}
