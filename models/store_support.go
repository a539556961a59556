package models

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"
)

func init() {
	registerMigration(2,
		// Support employees are their own kind of principal: no password,
		// no console session, only a bearer token of which we keep the hash.
		`CREATE TABLE support_staff (id TEXT PRIMARY KEY, email TEXT NOT NULL, token_hash TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, revoked_at BIGINT NOT NULL DEFAULT 0)`,
		`CREATE UNIQUE INDEX support_staff_email ON support_staff(email)`,
		`CREATE UNIQUE INDEX support_staff_token ON support_staff(token_hash)`,
		// Every access decision, allowed or denied, as the customer reads it.
		`CREATE TABLE access_decisions (id TEXT PRIMARY KEY, org_id TEXT NOT NULL, project_id TEXT NOT NULL, cluster_id TEXT NOT NULL, cluster_name TEXT NOT NULL, staff_id TEXT NOT NULL, staff_email TEXT NOT NULL, case_number TEXT NOT NULL DEFAULT '', justification TEXT NOT NULL DEFAULT '', scope TEXT NOT NULL, allowed BOOLEAN NOT NULL, reason_code TEXT NOT NULL, reason TEXT NOT NULL, blocked BOOLEAN NOT NULL, grant_id TEXT NOT NULL DEFAULT '', grant_type TEXT NOT NULL DEFAULT '', grant_expires_at BIGINT NOT NULL DEFAULT 0, via TEXT NOT NULL DEFAULT '', remote_addr TEXT NOT NULL DEFAULT '', created_at BIGINT NOT NULL)`,
		`CREATE INDEX access_decisions_org_created ON access_decisions(org_id, created_at)`,
		`CREATE INDEX access_decisions_grant ON access_decisions(grant_id)`,
	)
	// Most decisions are taken under no grant (standing access, or none in
	// force); the index by grant leaves them out, which spares every such
	// decision an index insert. A query by grant says grant_id <> '' too,
	// which is how SQLite knows it may use a partial index.
	registerMigration(9,
		`DROP INDEX access_decisions_grant`,
		`CREATE INDEX access_decisions_grant ON access_decisions(grant_id) WHERE grant_id <> ''`,
	)
}

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
}

// Where a decision was asked for.
const (
	ViaAPI                 = "ACCESS_DECISION"
	ViaDatabaseLogDownload = "DATABASE_LOG_DOWNLOAD"
)

// CreateSupportStaff adds a support employee, or gives a new token to one
// whose token was revoked or has expired, and returns the token: the only
// time it exists outside the caller's hands.
func (s *Store) CreateSupportStaff(ctx context.Context, email string, validFor time.Duration) (SupportStaff, string, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return SupportStaff{}, "", err
	}
	if validFor <= 0 {
		validFor = SupportTokenLifetime
	}
	token := "sas_" + RandomToken(32)
	var st SupportStaff
	err = s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
		st = SupportStaff{}
		if err := tx.Where("email = ?", email).Limit(1).Find(&st).Error; err != nil {
			return err
		}
		if st.ID != "" && st.Live(now) {
			return Errorf(ECONFLICT, "Support employee %s already has a valid token. Revoke it first to issue a new one.", email)
		}
		fresh := SupportStaff{ID: st.ID, Email: email, TokenHash: secretHash(token), CreatedAt: At(now), ExpiresAt: At(now.Add(validFor))}
		if fresh.ID == "" {
			fresh.ID = NewID(now)
			st = fresh
			return tx.Create(&st).Error
		}
		st = fresh
		return tx.Model(&SupportStaff{}).Where("id = ?", st.ID).Updates(map[string]any{
			"token_hash": st.TokenHash, "created_at": st.CreatedAt, "expires_at": st.ExpiresAt, "revoked_at": Instant(0)}).Error
	})
	if err != nil {
		return SupportStaff{}, "", fmt.Errorf("create support employee: %w", err)
	}
	return st, token, nil
}

// RevokeSupportStaff ends a support employee's token at once. It reports
// false when the token was already revoked.
func (s *Store) RevokeSupportStaff(ctx context.Context, email string) (bool, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return false, err
	}
	var st SupportStaff
	if err := s.DB.WithContext(ctx).Where("email = ?", email).First(&st).Error; err != nil {
		return false, notFound(err, "support employee")
	}
	res := s.DB.WithContext(ctx).Model(&SupportStaff{}).Where("id = ? AND revoked_at = 0", st.ID).Update("revoked_at", At(s.now()))
	if res.Error != nil {
		return false, fmt.Errorf("revoke support employee: %w", res.Error)
	}
	return res.RowsAffected == 1, nil
}

var qSupportStaffByToken = newQuery(`SELECT `+staffCols+` FROM support_staff s WHERE s.token_hash = ? LIMIT 1`, "")

// SupportStaffByToken authenticates a bearer token. Unknown, revoked and
// expired tokens are all EUNAUTHORIZED.
func (s *Store) SupportStaffByToken(ctx context.Context, token string) (SupportStaff, error) {
	return supportStaffByToken(s.DB.WithContext(ctx), token, s.now())
}

// supportStaffByToken authenticates a bearer token at now, reading through
// db (a transaction, or the pool).
func supportStaffByToken(db *gorm.DB, token string, now time.Time) (SupportStaff, error) {
	h, err := supportTokenHash(token)
	if err != nil {
		return SupportStaff{}, err
	}
	var ns nullStaff
	err = queryRow(db, qSupportStaffByToken, h).Scan(ns.targets()...)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return SupportStaff{}, fmt.Errorf("authenticate support employee: %w", err)
	}
	return checkSupportStaff(ns.staff(), h, now)
}

// errBadSupportToken answers a token that names no support employee.
var errBadSupportToken = Errorf(EUNAUTHORIZED, "The support token is not valid.")

// supportTokenHash is the stored hash of a token, or EUNAUTHORIZED for a
// string that cannot be a support token.
func supportTokenHash(token string) (string, error) {
	if !strings.HasPrefix(token, "sas_") || len(token) > 200 {
		return "", errBadSupportToken
	}
	return secretHash(token), nil
}

// checkSupportStaff decides whether st, the row found by the token's hash
// h (zero when none), lets its holder in at now.
func checkSupportStaff(st SupportStaff, h string, now time.Time) (SupportStaff, error) {
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

// validateAccessRequest checks what support must say about a question:
// a known scope and a case number. The reason code says which, for the
// record of the refusal.
func validateAccessRequest(r AccessRequest) (ReasonCode, error) {
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

// checkAccessRequestTarget refuses a question that names no cluster, or
// names one that cannot exist, before anything is read.
func checkAccessRequestTarget(r AccessRequest) error {
	if r.ProjectID == "" {
		return FieldError("groupId", "A groupId is required.")
	}
	if r.ClusterName == "" {
		return FieldError("clusterName", "A clusterName is required.")
	}
	if !ValidID(r.ProjectID) {
		return errNoProject()
	}
	if !ValidClusterName(r.ClusterName) {
		return Errorf(ENOTFOUND, "No cluster named %s in this project.", clip(r.ClusterName, 64))
	}
	return nil
}

// DecideAccess answers a support employee's question and records the
// answer in the same transaction that read the block setting, the cluster
// and its grant, so that the record is exactly what the decision saw. An
// unknown group or cluster is ENOTFOUND and records nothing, since no
// customer owns it; a malformed question about a real cluster is recorded
// as denied and returned as EINVALID alongside the record.
func (s *Store) DecideAccess(ctx context.Context, st SupportStaff, r AccessRequest) (AccessDecision, error) {
	return s.decideAccess(ctx, &st, "", r)
}

// DecideAccessWithToken is DecideAccess for a support token not yet
// checked: the token is checked in the decision's transaction, which
// spares the support API a read of its own before every decision. A bad
// token is EUNAUTHORIZED and records nothing, whatever else is wrong
// with the question.
func (s *Store) DecideAccessWithToken(ctx context.Context, token string, r AccessRequest) (AccessDecision, error) {
	return s.decideAccess(ctx, nil, token, r)
}

// decideAccess decides for st, or, when st is nil, for whoever token
// authenticates inside the transaction.
func (s *Store) decideAccess(ctx context.Context, st *SupportStaff, token string, r AccessRequest) (AccessDecision, error) {
	r.CaseNumber = strings.TrimSpace(r.CaseNumber)
	r.Justification = strings.TrimSpace(r.Justification)
	if err := checkAccessRequestTarget(r); err != nil {
		if st == nil {
			// Who asks comes before what is wrong with the question.
			if _, aerr := s.SupportStaffByToken(ctx, token); aerr != nil {
				return AccessDecision{}, aerr
			}
		}
		return AccessDecision{}, err
	}
	// The employee is read again in the decision's transaction, by the
	// token's hash, so that a token revoked a moment ago decides nothing.
	var hash string
	if st != nil {
		hash = st.TokenHash
	} else {
		h, err := supportTokenHash(token)
		if err != nil {
			return AccessDecision{}, err
		}
		hash = h
	}
	var d AccessDecision
	var invalid error
	// Its one write, the record, is its last statement.
	err := s.retryRecord(ctx, func(tx *gorm.DB, now time.Time) (query, []any, error) {
		invalid = nil
		ds, err := decisionState(tx, hash, r.ProjectID, r.ClusterName, now)
		if err != nil {
			return query{}, nil, err
		}
		asker, c, org, g := ds.staff, ds.cluster, ds.org, ds.grant
		v := Decide(org.BlockSupportAccess, c, g, Scope(r.Scope), now)
		var code ReasonCode
		if code, invalid = validateAccessRequest(r); invalid != nil {
			v.Allowed, v.Code, v.Reason = false, code, "Refused: "+ErrorMessage(invalid)
		}
		d = AccessDecision{ID: NewID(now), OrgID: org.ID, ProjectID: c.ProjectID, ClusterID: c.ID, ClusterName: c.Name,
			StaffID: asker.ID, StaffEmail: asker.Email, CaseNumber: clip(r.CaseNumber, 64), Justification: clip(r.Justification, 2000),
			Scope: Scope(clip(r.Scope, 64)), Allowed: v.Allowed, ReasonCode: v.Code, Reason: v.Reason, Blocked: org.BlockSupportAccess,
			Via: r.Via, RemoteAddr: r.RemoteAddr, CreatedAt: At(now), Cluster: c}
		if v.Grant != nil {
			d.GrantID, d.GrantType, d.GrantExpiresAt = v.Grant.ID, v.Grant.Type, v.Grant.ExpiresAt
		}
		return qInsertDecision, decisionArgs(&d), nil
	})
	if err != nil {
		if ErrorCode(err) != EINTERNAL {
			return AccessDecision{}, err
		}
		return AccessDecision{}, fmt.Errorf("decide access: %w", err)
	}
	return d, invalid
}

// The statements of a decision scan into variables and insert from them
// rather than through GORM's reflection, which cost more than SQLite
// running them: support tooling asks before every touch of a cluster.

// decisionRead is what a decision rests on: who asks, the cluster, its
// organization and its open grant (nil when none).
type decisionRead struct {
	staff   SupportStaff
	cluster Cluster
	org     Organization
	grant   *Grant
}

// decisionState reads what a decision rests on, after the support
// employee holding the token whose hash is tokenHash, who must be let in
// at now before anything about the cluster is known: a bad token learns
// nothing, not even whether the cluster exists. On SQLite one statement,
// led by the employee, reads it all, and the immediate transaction already
// holds the write lock. On PostgreSQL the employee comes first, then the
// cluster and its organization, then the open grant: a row lock cannot be
// taken on the missing side of an outer join, and the shared locks on the
// organization and on the open grant hold off a concurrent block change
// or revoke until the decision is recorded.
func decisionState(tx *gorm.DB, tokenHash, projectID, clusterName string, now time.Time) (decisionRead, error) {
	var d decisionRead
	var ns nullStaff
	var nc nullCluster
	var no nullOrg
	var ng nullGrant
	var err error
	if tx.Dialector.Name() == "postgres" {
		err = queryRow(tx, qSupportStaffByToken, tokenHash).Scan(ns.targets()...)
	} else {
		err = queryRow(tx, qDecisionState, projectID, clusterName, tokenHash).Scan(concat(ns.targets(), nc.targets(), no.targets(), ng.targets())...)
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("authenticate support employee: %w", err)
	}
	if d.staff, err = checkSupportStaff(ns.staff(), tokenHash, now); err != nil {
		return d, err
	}
	if tx.Dialector.Name() == "postgres" {
		err = queryRow(tx, qDecisionCluster, projectID, clusterName).Scan(concat(d.cluster.targets(), d.org.targets())...)
		if err == nil {
			d.grant, err = openGrant(tx, d.cluster.ID, true)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return d, err
		}
	} else if nc.ID.Valid {
		d.cluster, d.org, d.grant = nc.cluster(), no.org(), ng.grant()
		return d, nil
	}
	d.cluster, d.org, err = notFoundCluster(tx, projectID, clusterName)
	return d, err
}

// staffCols are a support employee's columns, in the order of
// (*nullStaff).targets.
const staffCols = `s.id, s.email, s.token_hash, s.created_at, s.expires_at, s.revoked_at`

// nullStaff is a support employee read by a token's hash: every column is
// NULL (or the row missing) when nobody holds the token.
type nullStaff struct {
	ID, Email, TokenHash            sql.NullString
	CreatedAt, ExpiresAt, RevokedAt sql.NullInt64
}

func (s *nullStaff) targets() []any {
	return []any{&s.ID, &s.Email, &s.TokenHash, &s.CreatedAt, &s.ExpiresAt, &s.RevokedAt}
}

func (s *nullStaff) staff() SupportStaff {
	return SupportStaff{ID: s.ID.String, Email: s.Email.String, TokenHash: s.TokenHash.String,
		CreatedAt: Instant(s.CreatedAt.Int64), ExpiresAt: Instant(s.ExpiresAt.Int64), RevokedAt: Instant(s.RevokedAt.Int64)}
}

var (
	qDecisionCluster = newQuery(`SELECT `+clusterCols+`, `+orgCols+`
	FROM clusters c JOIN projects p ON p.id = c.project_id JOIN organizations o ON o.id = p.org_id
	WHERE p.id = ? AND c.name = ? LIMIT 1`, ` FOR SHARE OF o`)
	qDecisionState = newQuery(`SELECT `+staffCols+`, `+clusterCols+`, `+orgCols+`, `+grantCols+`
	FROM support_staff s
	LEFT JOIN clusters c ON c.project_id = ? AND c.name = ?
	LEFT JOIN projects p ON p.id = c.project_id
	LEFT JOIN organizations o ON o.id = p.org_id
	LEFT JOIN grants g ON g.cluster_id = c.id AND g.closed_at = 0
	WHERE s.token_hash = ? LIMIT 1`, "")
)

// notFoundCluster tells an unknown project from an unknown cluster, for a
// question about one of them.
func notFoundCluster(tx *gorm.DB, projectID, clusterName string) (Cluster, Organization, error) {
	var n int64
	if err := tx.Model(&Project{}).Where("id = ?", projectID).Count(&n).Error; err != nil {
		return Cluster{}, Organization{}, err
	}
	if n == 0 {
		return Cluster{}, Organization{}, errNoProject()
	}
	return Cluster{}, Organization{}, Errorf(ENOTFOUND, "No cluster named %s in this project.", clusterName)
}

var qInsertDecision = newQuery(`INSERT INTO access_decisions (id, org_id, project_id, cluster_id, cluster_name, staff_id, staff_email,
		case_number, justification, scope, allowed, reason_code, reason, blocked, grant_id, grant_type, grant_expires_at,
		via, remote_addr, created_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, "")

// decisionArgs are qInsertDecision's arguments, to record d.
func decisionArgs(d *AccessDecision) []any {
	return []any{d.ID, d.OrgID, d.ProjectID, d.ClusterID, d.ClusterName, d.StaffID, d.StaffEmail,
		d.CaseNumber, d.Justification, string(d.Scope), d.Allowed, string(d.ReasonCode), d.Reason, d.Blocked, d.GrantID, string(d.GrantType), int64(d.GrantExpiresAt),
		d.Via, d.RemoteAddr, int64(d.CreatedAt)}
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
}

// AccessDecisions lists an organization's recorded decisions, newest
// first, with the number that match. A member sees the decisions about
// projects they belong to; owners and read-only members see all.
func (s *Store) AccessDecisions(ctx context.Context, p Principal, f DecisionFilter) ([]AccessDecision, int64, error) {
	if !CanViewOrg(p, f.OrgID) {
		return nil, 0, errNoOrg()
	}
	q, err := s.visibleToOrProject(ctx, s.DB.WithContext(ctx).Model(&AccessDecision{}), p, f.OrgID, f.ProjectID)
	if err != nil {
		return nil, 0, err
	}
	if f.ClusterName != "" {
		q = q.Where("cluster_name = ?", f.ClusterName)
	}
	if f.Allowed != nil {
		q = q.Where("allowed = ?", *f.Allowed)
	}
	if f.Scope != "" {
		q = q.Where("scope = ?", f.Scope)
	}
	if f.CaseNumber != "" {
		q = q.Where("case_number = ?", f.CaseNumber)
	}
	if f.GrantID != "" {
		q = q.Where("grant_id = ? AND grant_id <> ''", f.GrantID)
	}
	out, total, err := newestFirst[AccessDecision](inTimeRange(q, f.MinDate, f.MaxDate), f.Page, f.PerPage, 50)
	if err != nil {
		return nil, 0, fmt.Errorf("list access decisions: %w", err)
	}
	return out, total, nil
}
