package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"supportaccess/models"
	"supportaccess/models/seal"
)

// logVisibility is which of an organization's log rows a principal
// reads: one project's (project), or with none given, organization-wide
// rows and those of the member's projects (members, nil for owners and
// read-only members, who read all).
type logVisibility struct {
	project string
	members []string
}

// logVisible checks that p may read orgID's log (and projectID, if
// given, as a project of that organization).
func (s *Store) logVisible(ctx context.Context, p models.Principal, orgID, projectID string) (logVisibility, error) {
	if !models.CanViewOrg(p, orgID) {
		return logVisibility{}, models.ErrNoOrg()
	}
	if projectID != "" {
		pr, err := s.Project(ctx, p, projectID)
		if err != nil {
			return logVisibility{}, err
		}
		if pr.OrgID != orgID {
			return logVisibility{}, models.ErrNoProject()
		}
		return logVisibility{project: projectID}, nil
	}
	if models.SeesEveryProject(p, orgID) {
		return logVisibility{}, nil
	}
	v := logVisibility{members: []string{""}}
	for id := range p.ProjectRoles {
		v.members = append(v.members, id)
	}
	return v, nil
}

// decisionScope is the query of the decisions f selects, as p sees them.
// Filters go most selective first (logNarrower): case, cluster, grant,
// project, scope, outcome.
func (s *Store) decisionScope(ctx context.Context, p models.Principal, f models.DecisionFilter) (logScope, error) {
	v, err := s.logVisible(ctx, p, f.OrgID, f.ProjectID)
	if err != nil {
		return logScope{}, err
	}
	return logScope{min: f.MinDate, max: f.MaxDate, filter: func() *gorm.DB {
		n := logNarrower{sqlite: !s.IsPostgres()}
		q := s.db.WithContext(ctx).Model(&models.AccessDecision{}).Where("org_id = ?", f.OrgID)
		if f.CaseNumber != "" {
			q = n.where(q, "case_number", "=", f.CaseNumber)
		}
		if f.ClusterName != "" {
			q = n.where(q, "cluster_name", "=", f.ClusterName)
		}
		if f.GrantID != "" {
			if !n.led {
				// Which lets SQLite use the partial index by grant.
				q = q.Where("grant_id <> ''")
			}
			q = n.where(q, "grant_id", "=", f.GrantID)
		}
		if v.project != "" {
			q = n.where(q, "project_id", "=", v.project)
		}
		if f.Scope != "" {
			q = n.where(q, "scope", "=", string(f.Scope))
		}
		if f.Allowed != nil {
			q = n.where(q, "allowed", "=", *f.Allowed)
		}
		if v.members != nil {
			// Never the index by project: it would serve one of the
			// member's projects, not the order of them all.
			n.led = true
			q = n.where(q, "project_id", "IN", v.members)
		}
		return q
	}}, nil
}

// eventScope is the query of the events f selects, as p sees them:
// cluster, grant, project, then type.
func (s *Store) eventScope(ctx context.Context, p models.Principal, f models.EventFilter) (logScope, error) {
	v, err := s.logVisible(ctx, p, f.OrgID, f.ProjectID)
	if err != nil {
		return logScope{}, err
	}
	return logScope{min: f.MinDate, max: f.MaxDate, filter: func() *gorm.DB {
		n := logNarrower{sqlite: !s.IsPostgres()}
		q := s.db.WithContext(ctx).Model(&models.Event{}).Where("org_id = ?", f.OrgID)
		if len(f.ClusterNames) == 1 {
			q = n.where(q, "cluster_name", "=", f.ClusterNames[0])
		} else if len(f.ClusterNames) > 1 {
			q = n.where(q, "cluster_name", "IN", f.ClusterNames)
		}
		if f.GrantID != "" {
			q = n.where(q, "grant_id", "=", f.GrantID)
		}
		if v.project != "" {
			q = n.where(q, "project_id", "=", v.project)
		}
		if len(f.Types) == 1 {
			q = n.where(q, "type", "=", string(f.Types[0]))
		} else if len(f.Types) > 1 {
			q = n.where(q, "type", "IN", f.Types)
		}
		if v.members != nil {
			n.led = true
			q = n.where(q, "project_id", "IN", v.members)
		}
		return q
	}}, nil
}

// AccessDecisionPage reads one page of an organization's Support Access
// Log from cur, newest first, with a count that stops at 1,000.
func (s *Store) AccessDecisionPage(ctx context.Context, p models.Principal, f models.DecisionFilter, cur models.LogCursor) (models.LogPage[models.AccessDecision], error) {
	scope, err := s.decisionScope(ctx, p, f)
	if err != nil {
		return models.LogPage[models.AccessDecision]{}, err
	}
	page, err := readLogPage[models.AccessDecision](ctx, s, scope, cur, perPageOr(f.PerPage, 50), countLimit(decisionFilters(f, p)))
	if err != nil {
		return page, fmt.Errorf("read access decisions: %w", err)
	}
	return page, nil
}

// EventPage reads one page of an organization's activity feed from cur,
// newest first, with a count that stops as AccessDecisionPage's.
func (s *Store) EventPage(ctx context.Context, p models.Principal, f models.EventFilter, cur models.LogCursor) (models.LogPage[models.Event], error) {
	scope, err := s.eventScope(ctx, p, f)
	if err != nil {
		return models.LogPage[models.Event]{}, err
	}
	page, err := readLogPage[models.Event](ctx, s, scope, cur, perPageOr(f.PerPage, 100), countLimit(eventFilters(f, p)))
	if err != nil {
		return page, fmt.Errorf("read events: %w", err)
	}
	return page, nil
}

// AccessDecisionExport checks that p may read the decisions f selects
// and returns the walk over them: it gives the sink each, newest first,
// with the batch that seals it, and the seals of those batches
// (sealWindow), reading rows and seals in short batches, so that an
// export of any size holds one batch in memory and no read snapshot
// between batches. The sink's error stops the walk and is returned.
func (s *Store) AccessDecisionExport(ctx context.Context, p models.Principal, f models.DecisionFilter) (func(RecordSink[models.AccessDecision]) error, error) {
	scope, err := s.decisionScope(ctx, p, f)
	if err != nil {
		return nil, err
	}
	return func(sink RecordSink[models.AccessDecision]) error {
		whole := wholeIn(decisionFilters(f, p) == 0, f.MinDate, f.MaxDate)
		return exportSealed(ctx, s, f.OrgID, seal.KindDecision, scope, decisionColumns, whole, sink)
	}, nil
}

// EventExport is AccessDecisionExport for the activity feed.
func (s *Store) EventExport(ctx context.Context, p models.Principal, f models.EventFilter) (func(RecordSink[models.Event]) error, error) {
	scope, err := s.eventScope(ctx, p, f)
	if err != nil {
		return nil, err
	}
	return func(sink RecordSink[models.Event]) error {
		whole := wholeIn(eventFilters(f, p) == 0, f.MinDate, f.MaxDate)
		return exportSealed(ctx, s, f.OrgID, seal.KindEvent, scope, eventColumns, whole, sink)
	}, nil
}

func perPageOr(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

func decisionTargets(d *models.AccessDecision) []any {
	return []any{&d.ID, &d.OrgID, &d.ProjectID, &d.ClusterID, &d.ClusterName, &d.StaffID, &d.StaffEmail, &d.CaseNumber,
		&d.Justification, &d.Scope, &d.Allowed, &d.ReasonCode, &d.Reason, &d.Blocked, &d.GrantID, &d.GrantType,
		&d.GrantExpiresAt, &d.Via, &d.RemoteAddr, &d.CreatedAt}
}

func eventTargets(e *models.Event) []any {
	return []any{&e.ID, &e.OrgID, &e.ProjectID, &e.ClusterID, &e.ClusterName, &e.Type, &e.ActorKind, &e.ActorID,
		&e.ActorName, &e.RemoteAddr, &e.GrantID, &e.GrantType, &e.ExpiresAt, &e.Detail, &e.CreatedAt}
}

// The columns the exports read, named from their scan targets.
var (
	decisionColumns = logColumns[models.AccessDecision]{list: columnsOf(decisionTargets, "access_decisions"), targets: decisionTargets,
		key: func(d *models.AccessDecision) (int64, string) { return int64(d.CreatedAt), d.ID }}
	eventColumns = logColumns[models.Event]{list: columnsOf(eventTargets, "events"), targets: eventTargets,
		key: func(e *models.Event) (int64, string) { return int64(e.CreatedAt), e.ID }}
)

// decisionFilters is how many equality filters f (and p's visibility, for
// a member) put on the decisions: past one, the count stops sooner.
func decisionFilters(f models.DecisionFilter, p models.Principal) int {
	n := 0
	for _, set := range []bool{f.CaseNumber != "", f.ClusterName != "", f.GrantID != "", f.ProjectID != "", f.Scope != "", f.Allowed != nil,
		f.ProjectID == "" && !models.SeesEveryProject(p, f.OrgID)} {
		if set {
			n++
		}
	}
	return n
}

// eventFilters is decisionFilters for events.
func eventFilters(f models.EventFilter, p models.Principal) int {
	n := 0
	for _, set := range []bool{len(f.ClusterNames) > 0, f.GrantID != "", f.ProjectID != "", len(f.Types) > 0,
		f.ProjectID == "" && !models.SeesEveryProject(p, f.OrgID)} {
		if set {
			n++
		}
	}
	return n
}
