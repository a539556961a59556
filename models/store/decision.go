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

// DecideAccess answers a support employee's question and records the
// answer in the same transaction that read the block setting, the cluster
// and its grant, so that the record is exactly what the decision saw. An
// unknown group or cluster is ENOTFOUND and records nothing, since no
// customer owns it; a malformed question about a real cluster is recorded
// as denied and returned as EINVALID alongside the record.
func (s *Store) DecideAccess(ctx context.Context, st models.SupportStaff, r models.AccessRequest) (models.AccessDecision, error) {
	return s.decideAccess(ctx, &st, "", r)
}

// DecideAccessWithToken is DecideAccess for a support token not yet
// checked: the token is checked in the decision's transaction, which
// spares the support API a read of its own before every decision. A bad
// token is EUNAUTHORIZED and records nothing, whatever else is wrong
// with the question.
func (s *Store) DecideAccessWithToken(ctx context.Context, token string, r models.AccessRequest) (models.AccessDecision, error) {
	return s.decideAccess(ctx, nil, token, r)
}

// decideAccess decides for st, or, when st is nil, for whoever token
// authenticates inside the transaction.
func (s *Store) decideAccess(ctx context.Context, st *models.SupportStaff, token string, r models.AccessRequest) (models.AccessDecision, error) {
	r.CaseNumber = strings.TrimSpace(r.CaseNumber)
	r.Justification = strings.TrimSpace(r.Justification)
	if err := models.CheckAccessRequestTarget(r); err != nil {
		if st == nil {
			// Who asks comes before what is wrong with the question.
			if _, aerr := s.SupportStaffByToken(ctx, token); aerr != nil {
				return models.AccessDecision{}, aerr
			}
		}
		return models.AccessDecision{}, err
	}
	// The employee is read again in the decision's transaction, by the
	// token's hash, so that a token revoked a moment ago decides nothing.
	var hash string
	if st != nil {
		hash = st.TokenHash
	} else {
		h, err := models.SupportTokenHash(token)
		if err != nil {
			return models.AccessDecision{}, err
		}
		hash = h
	}
	var d models.AccessDecision
	var invalid error
	// Its one write, the record, is its last statement.
	err := s.retryRecord(ctx, func(tx *gorm.DB, now time.Time) (query, []any, error) {
		invalid = nil
		ds, err := s.decisionState(tx, hash, r.ProjectID, r.ClusterName, now)
		if err != nil {
			return query{}, nil, err
		}
		d, invalid = models.DecisionRecord(ds.staff, ds.cluster, ds.org, ds.grant, r, now)
		return qInsertDecision, decisionArgs(&d), nil
	})
	if err != nil {
		if models.ErrorCode(err) != models.EINTERNAL {
			return models.AccessDecision{}, err
		}
		return models.AccessDecision{}, fmt.Errorf("decide access: %w", err)
	}
	return d, invalid
}

// The statements of a decision scan into variables and insert from them
// rather than through GORM's reflection, which cost more than SQLite
// running them: support tooling asks before every touch of a cluster.

// decisionRead is what a decision rests on: who asks, the cluster, its
// organization and its open grant (nil when none).
type decisionRead struct {
	staff   models.SupportStaff
	cluster models.Cluster
	org     models.Organization
	grant   *models.Grant
}

// decisionState reads what a decision rests on, after the support
// employee holding the token whose hash is tokenHash, who must be let in
// at now before anything about the cluster is known: a bad token learns
// nothing, not even whether the cluster exists. One statement, led by the
// employee, reads it all. On SQLite the immediate transaction already
// holds the write lock, and with a group committer the rows kept for the
// question in the committer's Epoch stand for that statement
// (decision_reads.go). On PostgreSQL the statement takes shared locks on
// the organization and on the open grant, which hold off a concurrent
// block change or revoke until the decision is recorded; each lock is
// taken in a subquery of its own, since a row lock cannot be taken on the
// missing side of an outer join.
func (s *Store) decisionState(tx *gorm.DB, tokenHash, projectID, clusterName string, now time.Time) (decisionRead, error) {
	var d decisionRead
	var r decisionStateRow
	var err error
	// s.reads is nil but for SQLite's group committer: it keeps nothing.
	k, epoch := decisionReadKey{tokenHash, projectID, clusterName}, s.epoch()
	var ok bool
	if r, ok = s.reads.kept(epoch, k); !ok {
		err = queryRow(tx, qDecisionState, projectID, clusterName, tokenHash).Scan(r.targets()...)
		if err == nil {
			s.reads.keep(epoch, k, r)
		}
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("authenticate support employee: %w", err)
	}
	if d.staff, err = models.CheckSupportStaff(r.staff.staff(), tokenHash, now); err != nil {
		return d, err
	}
	if r.cluster.ID.Valid {
		d.cluster, d.org, d.grant = r.cluster.cluster(), r.org.org(), r.grant.grant()
		return d, nil
	}
	d.cluster, d.org, err = notFoundCluster(tx, projectID, clusterName)
	return d, err
}

// decisionStateRow is one row of qDecisionState: the employee, and the
// cluster, its organization and its open grant, NULL when missing.
type decisionStateRow struct {
	staff   nullStaff
	cluster nullCluster
	org     nullOrg
	grant   nullGrant
}

func (r *decisionStateRow) targets() []any {
	return concat(r.staff.targets(), r.cluster.targets(), r.org.targets(), r.grant.targets())
}

// qDecisionState is the one statement of decisionState: the employee,
// and the cluster, its organization and its open grant, NULL when missing.
var qDecisionState = query{
	sqlite: `SELECT ` + columnsOf((*decisionStateRow).targets, "s", "c", "o", "g") + `
	FROM support_staff s
	LEFT JOIN clusters c ON c.project_id = ? AND c.name = ?
	LEFT JOIN projects p ON p.id = c.project_id
	LEFT JOIN organizations o ON o.id = p.org_id
	LEFT JOIN grants g ON g.cluster_id = c.id AND g.closed_at = 0
	WHERE s.token_hash = ? LIMIT 1`,
	postgres: `SELECT ` + columnsOf((*nullStaff).targets, "s") + `, co.*, og.*
	FROM support_staff s
	LEFT JOIN (SELECT ` + columnsOf((*nullCluster).targets, "c") + `, ` + columnsOf((*nullOrg).targets, "o") + `
		FROM clusters c JOIN projects p ON p.id = c.project_id JOIN organizations o ON o.id = p.org_id
		WHERE p.id = $1 AND c.name = $2 LIMIT 1 FOR SHARE OF o) co ON true
	LEFT JOIN (SELECT ` + columnsOf((*nullGrant).targets, "g") + `
		FROM grants g
		WHERE g.cluster_id = (SELECT c.id FROM clusters c WHERE c.project_id = $1 AND c.name = $2) AND g.closed_at = 0
		LIMIT 1 FOR SHARE OF g) og ON true
	WHERE s.token_hash = $3 LIMIT 1`,
}

// notFoundCluster tells an unknown project from an unknown cluster, for a
// question about one of them.
func notFoundCluster(tx *gorm.DB, projectID, clusterName string) (models.Cluster, models.Organization, error) {
	var n int64
	if err := tx.Model(&models.Project{}).Where("id = ?", projectID).Count(&n).Error; err != nil {
		return models.Cluster{}, models.Organization{}, err
	}
	if n == 0 {
		return models.Cluster{}, models.Organization{}, models.ErrNoProject()
	}
	return models.Cluster{}, models.Organization{}, models.Errorf(models.ENOTFOUND, "No cluster named %s in this project.", clusterName)
}

var qInsertDecision = newQuery(`INSERT INTO access_decisions (id, org_id, project_id, cluster_id, cluster_name, staff_id, staff_email,
		case_number, justification, scope, allowed, reason_code, reason, blocked, grant_id, grant_type, grant_expires_at,
		via, remote_addr, created_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, "")

// decisionArgs are qInsertDecision's arguments, to record d.
func decisionArgs(d *models.AccessDecision) []any {
	return []any{d.ID, d.OrgID, d.ProjectID, d.ClusterID, d.ClusterName, d.StaffID, d.StaffEmail,
		d.CaseNumber, d.Justification, string(d.Scope), d.Allowed, string(d.ReasonCode), d.Reason, d.Blocked, d.GrantID, string(d.GrantType), int64(d.GrantExpiresAt),
		d.Via, d.RemoteAddr, int64(d.CreatedAt)}
}

// AccessDecisions lists an organization's recorded decisions, newest
// first, by page number (the Admin API's pageNum), with the number that
// match unless f.NoCount. A member sees the decisions about projects they
// belong to; owners and read-only members see all. Page n reads the n
// pages before it too: the console pages by keyset (AccessDecisionPage).
func (s *Store) AccessDecisions(ctx context.Context, p models.Principal, f models.DecisionFilter) ([]models.AccessDecision, int64, error) {
	scope, err := s.decisionScope(ctx, p, f)
	if err != nil {
		return nil, 0, err
	}
	out, total, err := newestFirst[models.AccessDecision](scope, f.Page, perPageOr(f.PerPage, 50), !f.NoCount)
	if err != nil {
		return nil, 0, fmt.Errorf("list access decisions: %w", err)
	}
	return out, total, nil
}
