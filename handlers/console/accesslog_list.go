package console

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/views"
)

const accessLogPerPage = 50

// AccessLogList renders the Support Access Log of an organization: every
// decision taken about its clusters, newest first, filtered by project,
// cluster, outcome, scope, case number, grant and time, 50 a page, paged
// by keyset (before / after a decision's id).
func (h *Handler) AccessLogList(c echo.Context) error {
	ctx := c.Request().Context()
	a, f, err := h.accessLogQuery(c)
	if err != nil {
		return err
	}
	cur, err := cursorParams(c)
	if err != nil {
		return err
	}
	page, err := h.store.AccessDecisionPage(ctx, httpx.Principal(c), f, cur)
	if err != nil {
		return err
	}
	a.Decisions = page.Rows
	if a.Requests, err = h.store.RequestsForGrants(ctx, a.Org.ID, grantIDs(a.Decisions)); err != nil {
		return err
	}
	a.Pager = views.NewPager(page, accessLogPerPage, func(d *models.AccessDecision) string { return d.ID })
	if a.Page, a.Projects, err = h.filteredLayout(c, a.Org, a.ProjectID, "support-access-log"); err != nil {
		return err
	}
	a.Page.Title = "Support Access Log"
	return httpx.Render(c, http.StatusOK, views.AccessLogPageView(a))
}

// accessLogQuery reads the organization and the Support Access Log's
// filters, for the page and its export.
func (h *Handler) accessLogQuery(c echo.Context) (views.AccessLogPage, models.DecisionFilter, error) {
	org, err := h.store.Org(c.Request().Context(), httpx.Principal(c), c.Param("orgId"))
	if err != nil {
		return views.AccessLogPage{}, models.DecisionFilter{}, err
	}
	q := c.QueryParams()
	a := views.AccessLogPage{Org: org,
		ProjectID: q.Get("project"), Cluster: strings.TrimSpace(q.Get("cluster")), Outcome: q.Get("outcome"),
		Scope: q.Get("scope"), CaseNumber: strings.TrimSpace(q.Get("case")), GrantID: q.Get("grant"),
		From: q.Get("from"), To: q.Get("to")}
	f := models.DecisionFilter{OrgID: org.ID, ProjectID: a.ProjectID, ClusterName: a.Cluster, Scope: models.Scope(a.Scope),
		CaseNumber: a.CaseNumber, GrantID: a.GrantID, PerPage: accessLogPerPage}
	if a.GrantID != "" && !models.ValidID(a.GrantID) {
		return a, f, models.FieldError("grant", "A grant id is 24 hexadecimal digits.")
	}
	switch a.Outcome {
	case "":
	case "allowed", "denied":
		allowed := a.Outcome == "allowed"
		f.Allowed = &allowed
	default:
		return a, f, models.FieldError("outcome", "The outcome is allowed or denied.")
	}
	if a.Scope != "" && !models.Scope(a.Scope).Valid() {
		return a, f, models.FieldError("scope", "Unknown scope %q.", a.Scope)
	}
	if f.MinDate, err = accessLogTime("from", a.From, false); err != nil {
		return a, f, err
	}
	if f.MaxDate, err = accessLogTime("to", a.To, true); err != nil {
		return a, f, err
	}
	return a, f, nil
}

// accessLogTime reads a time filter in UTC: a date, or a date and a time
// as a datetime-local field sends it. As an upper bound, a bare date means
// the end of that day and a minute the end of that minute.
func accessLogTime(field, v string, upper bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	if t, err := time.Parse("2006-01-02T15:04", v); err == nil {
		if upper {
			return t.Add(time.Minute - time.Nanosecond), nil
		}
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		if upper {
			return t.Add(24*time.Hour - time.Nanosecond), nil
		}
		return t, nil
	}
	return time.Time{}, models.FieldError(field, "Use a date like 2026-11-27 or a date and time like 2026-11-27T14:30 (UTC).")
}

// grantIDs are the grants in force at the decisions, each once.
func grantIDs(ds []models.AccessDecision) []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range ds {
		if d.GrantID != "" && !seen[d.GrantID] {
			seen[d.GrantID] = true
			out = append(out, d.GrantID)
		}
	}
	return out
}
