package models

import (
	"crypto/subtle"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// SupportStaff is a member of the provider's support staff. It never logs
// into the console; it authenticates to the support API with a bearer
// token, of which only the SHA-256 is stored.
type SupportStaff struct {
	ID        string `gorm:"primaryKey"`
	Email     string
	TokenHash string
	CreatedAt Instant
	ExpiresAt Instant
	RevokedAt Instant
}

// Live reports whether the employee's token works at now: neither revoked
// nor expired.
func (st SupportStaff) Live(now time.Time) bool {
	return st.RevokedAt == 0 && now.Before(st.ExpiresAt.Time())
}

// TableName keeps the table's name singular, as the migration wrote it.
func (SupportStaff) TableName() string { return "support_staff" }

// SupportTokenLifetime is how long a support token lasts unless the
// operator says otherwise: long enough for a rota, short enough that a
// forgotten token dies by itself.
const SupportTokenLifetime = 90 * 24 * time.Hour

// AccessDecision is one recorded answer to "may support touch this scope
// of this cluster now?", with everything the customer needs to judge it.
type AccessDecision struct {
	ID             string `gorm:"primaryKey"`
	OrgID          string
	ProjectID      string
	ClusterID      string
	ClusterName    string
	StaffID        string
	StaffEmail     string
	CaseNumber     string
	Justification  string
	Scope          Scope
	Allowed        bool
	ReasonCode     ReasonCode
	Reason         string
	Blocked        bool // the organization's block setting at that instant
	GrantID        string
	GrantType      GrantType
	GrantExpiresAt Instant
	Via            string // ViaAPI or ViaDatabaseLogDownload
	RemoteAddr     string
	CreatedAt      Instant
	// Cluster is the cluster the decision was about, as the decision read
	// it; not stored.
	Cluster Cluster `gorm:"-"`
	// RequestID is the access request whose approval made the grant in
	// force, if any, as the decision read it; not stored (the grant keeps
	// it).
	RequestID string `gorm:"-"`
}

// Where a decision was asked for.
const (
	ViaAPI                 = "ACCESS_DECISION"
	ViaDatabaseLogDownload = "DATABASE_LOG_DOWNLOAD"
)

// errBadSupportToken answers a token that names no support employee.
var errBadSupportToken = Errorf(EUNAUTHORIZED, "The support token is not valid.")

// SupportTokenHash is the stored hash of a token, or EUNAUTHORIZED for a
// string that cannot be a support token.
func SupportTokenHash(token string) (string, error) {
	if !strings.HasPrefix(token, "sas_") || len(token) > 200 {
		return "", errBadSupportToken
	}
	return SecretHash(token), nil
}

// CheckSupportStaff decides whether st, the row found by the token's hash
// h (zero when none), lets its holder in at now.
func CheckSupportStaff(st SupportStaff, h string, now time.Time) (SupportStaff, error) {
	// The lookup found the row by its hash; comparing again in constant
	// time keeps the check itself free of timing differences.
	if st.ID == "" || subtle.ConstantTimeCompare([]byte(st.TokenHash), []byte(h)) != 1 {
		return SupportStaff{}, errBadSupportToken
	}
	if st.RevokedAt != 0 {
		return SupportStaff{}, Errorf(EUNAUTHORIZED, "This support token was revoked.")
	}
	if !now.Before(st.ExpiresAt.Time()) {
		return SupportStaff{}, Errorf(EUNAUTHORIZED, "This support token has expired.")
	}
	return st, nil
}

// AccessRequest is a support employee's question about one cluster.
type AccessRequest struct {
	ProjectID     string
	ClusterName   string
	Scope         string
	CaseNumber    string
	Justification string
	RemoteAddr    string
	Via           string
}

// ValidateAccessRequest checks what support must say about a question:
// a known scope and a case number. The reason code says which, for the
// record of the refusal.
func ValidateAccessRequest(r AccessRequest) (ReasonCode, error) {
	if !Scope(r.Scope).Valid() {
		return ReasonUnknownScope, FieldError("scope", "Unknown scope %q. Use INFRASTRUCTURE, CLUSTER_LOGS, DATABASE_LOGS, AUDIT_LOGS or APP_SERVICES_SYNC_DATA.", clip(r.Scope, 64))
	}
	if r.CaseNumber == "" {
		return ReasonInvalidRequest, FieldError("caseNumber", "A case number is required: the customer sees it next to every decision.")
	}
	if utf8.RuneCountInString(r.CaseNumber) > 64 || strings.IndexFunc(r.CaseNumber, unicode.IsControl) >= 0 {
		return ReasonInvalidRequest, FieldError("caseNumber", "A case number is at most 64 printable characters.")
	}
	if utf8.RuneCountInString(r.Justification) > 2000 {
		return ReasonInvalidRequest, FieldError("justification", "A justification is at most 2000 characters.")
	}
	return "", nil
}

// clip shortens s to n runes, so that junk input stays small in the record.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// CheckAccessRequestTarget refuses a question that names no cluster, or
// names one that cannot exist, before anything is read.
func CheckAccessRequestTarget(r AccessRequest) error {
	if r.ProjectID == "" {
		return FieldError("groupId", "A groupId is required.")
	}
	if r.ClusterName == "" {
		return FieldError("clusterName", "A clusterName is required.")
	}
	if !ValidID(r.ProjectID) {
		return ErrNoProject()
	}
	if !ValidClusterName(r.ClusterName) {
		return Errorf(ENOTFOUND, "No cluster named %s in this project.", clip(r.ClusterName, 64))
	}
	return nil
}

// DecisionRecord answers r, asked by asker about cluster c of org, whose
// open grant is g (nil when none), at now, and returns the record of the
// answer: exactly what the decision saw, with the question's fields
// clipped to their bounds. A malformed question is recorded as denied,
// and its error returned alongside the record.
func DecisionRecord(asker SupportStaff, c Cluster, org Organization, g *Grant, r AccessRequest, now time.Time) (AccessDecision, error) {
	v := Decide(org.BlockSupportAccess, c, g, Scope(r.Scope), now)
	code, invalid := ValidateAccessRequest(r)
	if invalid != nil {
		v.Allowed, v.Code, v.Reason = false, code, "Refused: "+ErrorMessage(invalid)
	}
	d := AccessDecision{ID: NewID(now), OrgID: org.ID, ProjectID: c.ProjectID, ClusterID: c.ID, ClusterName: c.Name,
		StaffID: asker.ID, StaffEmail: asker.Email, CaseNumber: clip(r.CaseNumber, 64), Justification: clip(r.Justification, 2000),
		Scope: Scope(clip(r.Scope, 64)), Allowed: v.Allowed, ReasonCode: v.Code, Reason: v.Reason, Blocked: org.BlockSupportAccess,
		Via: r.Via, RemoteAddr: r.RemoteAddr, CreatedAt: At(now), Cluster: c}
	if v.Grant != nil {
		d.GrantID, d.GrantType, d.GrantExpiresAt, d.RequestID = v.Grant.ID, v.Grant.Type, v.Grant.ExpiresAt, v.Grant.RequestID
	}
	return d, invalid
}

// DecisionFilter selects recorded decisions of one organization.
type DecisionFilter struct {
	OrgID       string
	ProjectID   string
	ClusterName string
	Allowed     *bool
	Scope       Scope
	CaseNumber  string
	GrantID     string
	MinDate     time.Time
	MaxDate     time.Time
	Page        int // from 1
	PerPage     int
	// NoCount spares a list by page number its count of every match
	// (Atlas's includeCount=false).
	NoCount bool
}
