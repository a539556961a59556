package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

// Support access requests (models.SupportAccessRequest): support files
// one, an approver approves or denies it, support may cancel it, and an
// unanswered one lapses. Each step is one conditional update of the
// request's status from PENDING, with its event, in one transaction: of
// two approvers clicking at once, one changes the row and grants, the
// other finds the request decided. Every step bumps the project's
// version, so that the clusters page shows the request's badge.

// CreateRequest files a request by support employee st, visible to the
// customer at once. An unknown project or cluster is ENOTFOUND.
func (s *Store) CreateRequest(ctx context.Context, st models.SupportStaff, in models.RequestInput) (models.SupportAccessRequest, error) {
	if err := models.CheckAccessRequestTarget(models.AccessRequest{ProjectID: in.ProjectID, ClusterName: in.ClusterName}); err != nil {
		return models.SupportAccessRequest{}, err
	}
	var r models.SupportAccessRequest
	err := s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
		var pr models.Project
		if err := queryRow(tx, qProject, in.ProjectID).Scan(projectTargets(&pr)...); err != nil {
			return models.ErrNoProject()
		}
		c, err := clusterForChange(tx, pr.ID, in.ClusterName)
		if err != nil {
			return models.Errorf(models.ENOTFOUND, "No cluster named %s in this project.", in.ClusterName)
		}
		policy, err := readPolicy(tx, pr.OrgID)
		if err != nil {
			return err
		}
		if r, err = models.NewRequest(st, c, pr.OrgID, policy, in, now); err != nil {
			return err
		}
		if err := tx.Create(&r).Error; err != nil {
			return fmt.Errorf("file request: %w", err)
		}
		return requestEvent(tx, now, r, models.EventRequestCreated, supportActor(st, in.RemoteAddr),
			fmt.Sprintf("Case %s: %s for %s", r.CaseNumber, r.GrantType.Short(), models.Hours(r.DurationHours)))
	})
	return r, err
}

// supportActor is a support employee as the activity feed names them.
func supportActor(st models.SupportStaff, addr string) models.Actor {
	return models.Actor{Principal: models.Principal{Kind: models.ActorSupport, ID: st.ID, Name: st.Email}, RemoteAddr: addr}
}

// requestEvent writes the event of a step of r and bumps its project's
// version.
func requestEvent(tx *gorm.DB, at time.Time, r models.SupportAccessRequest, typ models.EventType, a models.Actor, detail string) error {
	ev := models.Event{OrgID: r.OrgID, ProjectID: r.ProjectID, ClusterID: r.ClusterID, ClusterName: r.ClusterName, Type: typ,
		GrantID: r.GrantID, GrantType: r.GrantType, Detail: joinDetail("Request "+r.ID, detail)}
	if r.ApprovedType != "" {
		ev.GrantType = r.ApprovedType
	}
	if err := insertEvent(tx, at, ev, a); err != nil {
		return err
	}
	return bumpProjectVersion(tx, r.ProjectID)
}

// Request returns one request to support staff, for the support API.
func (s *Store) Request(ctx context.Context, id string) (models.SupportAccessRequest, error) {
	return readRequest(s.db.WithContext(ctx), id)
}

func readRequest(db *gorm.DB, id string) (models.SupportAccessRequest, error) {
	var r models.SupportAccessRequest
	if !models.ValidID(id) {
		return r, models.Errorf(models.ENOTFOUND, "No access request with that id.")
	}
	if err := db.Where("id = ?", id).Limit(1).Find(&r).Error; err != nil {
		return r, fmt.Errorf("read request: %w", err)
	}
	if r.ID == "" {
		return r, models.Errorf(models.ENOTFOUND, "No access request with that id.")
	}
	return r, nil
}

// ProjectRequest returns a request of project projectID to a customer who
// may see the project.
func (s *Store) ProjectRequest(ctx context.Context, p models.Principal, projectID, id string) (models.SupportAccessRequest, models.Project, error) {
	pr, err := s.Project(ctx, p, projectID)
	if err != nil {
		return models.SupportAccessRequest{}, pr, err
	}
	r, err := readRequest(s.db.WithContext(ctx), id)
	if err == nil && r.ProjectID != pr.ID {
		err = models.Errorf(models.ENOTFOUND, "No access request with that id in this project.")
	}
	return r, pr, err
}

// changeRequest moves r from PENDING to what set says, if nobody moved it
// first; the loser of a race retries and finds it decided.
func changeRequest(tx *gorm.DB, id string, set map[string]any) error {
	res := tx.Model(&models.SupportAccessRequest{}).Where("id = ? AND status = ?", id, models.RequestPending).Updates(set)
	if res.Error != nil {
		return fmt.Errorf("change request: %w", res.Error)
	}
	if res.RowsAffected != 1 {
		return errConflict
	}
	return nil
}

// CancelRequest cancels a pending request, for support.
func (s *Store) CancelRequest(ctx context.Context, st models.SupportStaff, id, addr string) (models.SupportAccessRequest, error) {
	var r models.SupportAccessRequest
	err := s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
		var err error
		if r, err = readRequest(tx, id); err != nil {
			return err
		}
		if err := models.Cancel(r, st, now); err != nil {
			return err
		}
		r.Status, r.DecidedAt, r.DeciderKind, r.DeciderID, r.DeciderName = models.RequestCancelled, models.At(now), models.ActorSupport, st.ID, st.Email
		if err := changeRequest(tx, r.ID, decidedColumns(r)); err != nil {
			return err
		}
		return requestEvent(tx, now, r, models.EventRequestCancelled, supportActor(st, addr), "Case "+r.CaseNumber)
	})
	return r, err
}

// decidedColumns are the columns a decision on r sets.
func decidedColumns(r models.SupportAccessRequest) map[string]any {
	return map[string]any{"status": r.Status, "decided_at": r.DecidedAt, "decider_kind": r.DeciderKind, "decider_id": r.DeciderID,
		"decider_name": r.DeciderName, "deny_reason": r.DenyReason, "approved_type": r.ApprovedType, "approved_hours": r.ApprovedHours,
		"grant_id": r.GrantID, "first_approver_id": r.FirstApproverID, "first_approver": r.FirstApprover, "first_approved_at": r.FirstApprovedAt}
}

// DenyRequest denies a pending request with a reason that support reads.
func (s *Store) DenyRequest(ctx context.Context, a models.Actor, projectID, id, reason string) (models.SupportAccessRequest, error) {
	r, pr, err := s.ProjectRequest(ctx, a.Principal, projectID, id)
	if err != nil {
		return r, err
	}
	err = s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
		var err error
		if r, err = readRequest(tx, id); err != nil {
			return err
		}
		why, err := models.Deny(r, a.Principal, pr, reason, now)
		if err != nil {
			return err
		}
		r.Status, r.DenyReason = models.RequestDenied, why
		r.DecidedAt, r.DeciderKind, r.DeciderID, r.DeciderName = models.At(now), a.Kind, a.ID, a.Name
		if err := changeRequest(tx, r.ID, decidedColumns(r)); err != nil {
			return err
		}
		return requestEvent(tx, now, r, models.EventRequestDenied, a, "Case "+r.CaseNumber+": "+why)
	})
	return r, err
}

// ApproveRequest approves a pending request, narrowed or shortened as ap
// says, and grants in the same transaction: the grant names the request,
// and the organization's policy is applied as for any grant. Under a
// policy with a second approver, a sync-data request's first approval is
// recorded and the request stays pending for another person.
func (s *Store) ApproveRequest(ctx context.Context, a models.Actor, projectID, id string, ap models.Approval) (models.SupportAccessRequest, *models.GrantResult, error) {
	r, pr, err := s.ProjectRequest(ctx, a.Principal, projectID, id)
	if err != nil {
		return r, nil, err
	}
	var granted *models.GrantResult
	err = s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
		granted = nil
		var err error
		if r, err = readRequest(tx, id); err != nil {
			return err
		}
		c, err := clusterForChange(tx, pr.ID, r.ClusterName)
		if err != nil {
			return err
		}
		policy, err := readPolicy(tx, pr.OrgID)
		if err != nil {
			return err
		}
		out, err := models.Approve(r, a.Principal, pr, policy, ap, now)
		if err != nil {
			return err
		}
		if out.First {
			res := tx.Model(&models.SupportAccessRequest{}).Where("id = ? AND status = ? AND first_approver_id = ''", r.ID, models.RequestPending).
				Updates(map[string]any{"first_approver_id": models.ApproverKey(a.Principal), "first_approver": a.Name, "first_approved_at": models.At(now)})
			if res.Error != nil {
				return fmt.Errorf("approve request: %w", res.Error)
			}
			if res.RowsAffected != 1 {
				return errConflict
			}
			r.FirstApproverID, r.FirstApprover, r.FirstApprovedAt = models.ApproverKey(a.Principal), a.Name, models.At(now)
			return requestEvent(tx, now, r, models.EventRequestFirstApproval, a, "Case "+r.CaseNumber+": sync data needs a second approver")
		}
		res, err := grantInTx(tx, now, a, pr, c, models.GrantRequest{ProjectID: pr.ID, ClusterName: c.Name, Type: out.Type,
			ExpiresAt: now.Add(out.Duration)}, r.ID)
		if err != nil {
			return err
		}
		granted = &res
		r.Status, r.ApprovedType, r.ApprovedHours, r.GrantID = models.RequestApproved, out.Type, int(out.Duration/time.Hour), res.Grant.ID
		r.DecidedAt, r.DeciderKind, r.DeciderID, r.DeciderName = models.At(now), a.Kind, a.ID, a.Name
		if err := changeRequest(tx, r.ID, decidedColumns(r)); err != nil {
			return err
		}
		return requestEvent(tx, now, r, models.EventRequestApproved, a,
			fmt.Sprintf("Case %s: %s for %s", r.CaseNumber, out.Type.Short(), models.Hours(r.ApprovedHours)))
	})
	return r, granted, err
}

// SweepLapsedRequests records every pending request past its lapse time
// as lapsed. Several replicas may sweep at once; each request is recorded
// exactly once, by the writer whose conditional update changes it.
func (s *Store) SweepLapsedRequests(ctx context.Context) (int, error) {
	now := s.now()
	var due []models.SupportAccessRequest
	if err := s.db.WithContext(ctx).Where("status = 'PENDING' AND lapses_at <= ?", models.At(now)).
		Order("lapses_at").Limit(500).Find(&due).Error; err != nil {
		return 0, fmt.Errorf("sweep lapsed requests: %w", err)
	}
	n := 0
	for _, r := range due {
		err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			r.Status, r.DecidedAt, r.DeciderKind = models.RequestExpired, r.LapsesAt, models.ActorSystem
			if err := changeRequest(tx, r.ID, decidedColumns(r)); err != nil {
				return err
			}
			return requestEvent(tx, r.LapsesAt.Time(), r, models.EventRequestExpired, models.Actor{Principal: models.System},
				"Case "+r.CaseNumber+": no answer within 12 hours")
		})
		if errors.Is(err, errConflict) {
			continue // another replica, or an approver, was first
		}
		if err != nil {
			return n, fmt.Errorf("sweep lapsed requests: %w", err)
		}
		n++
	}
	return n, nil
}
