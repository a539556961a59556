package atlasapi

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/handlers/logexport"
	"supportaccess/models"
)

// SupportAccessLog answers GET /orgs/{orgId}/supportAccessLog (ours,
// version 2026-12-01): a page of the organization's recorded access
// decisions, newest first, with the console's filters. pageNum counts
// pages off the filter's index: page n reads the n-1 pages before it, and
// includeCount=false spares the count of every match.
func (h *Handler) SupportAccessLog(c echo.Context) error {
	q, err := parsePage(c)
	if err != nil {
		return err
	}
	f, err := decisionFilter(c)
	if err != nil {
		return err
	}
	f.Page, f.PerPage, f.NoCount = q.num, q.items, !q.includeCount
	ds, total, err := h.store.AccessDecisions(c.Request().Context(), httpx.Principal(c), f)
	if err != nil {
		return err
	}
	out := make([]logexport.Decision, len(ds))
	for i := range ds {
		out[i] = logexport.NewDecision(&ds[i])
	}
	return apiOK(c, http.StatusOK, newPage(c, q, out, total))
}

// SupportAccessLogExport answers GET
// /orgs/{orgId}/supportAccessLog:export?format=csv|jsonl (ours): every
// decision the filters select, newest first, streamed as it is read,
// with the seals of their batches for an offline check (logexport).
// Without a format it is JSON Lines.
func (h *Handler) SupportAccessLogExport(c echo.Context) error {
	format := c.QueryParam("format")
	if format == "" {
		format = logexport.JSONL
	}
	if !logexport.ValidFormat(format) {
		return httpx.BadRequest("INVALID_QUERY_PARAMETER", "format", "format is csv or jsonl, not %q.", shortForMessage(format))
	}
	f, err := decisionFilter(c)
	if err != nil {
		return err
	}
	each, err := h.store.AccessDecisionExport(c.Request().Context(), httpx.Principal(c), f)
	if err != nil {
		return err
	}
	w, err := logexport.Decisions(c.Response(), format, logexport.FileName("support-access-log", f.OrgID, h.store.Now()))
	if err != nil {
		return err
	}
	if err := each(w); err != nil {
		return err
	}
	return w.Close()
}

// decisionFilter reads the Support Access Log's filters from the query:
// groupId, clusterName, outcome (ALLOWED or DENIED), scope, caseNumber,
// grantId, minDate and maxDate.
func decisionFilter(c echo.Context) (models.DecisionFilter, error) {
	id, err := pathID(c, "orgId", "INVALID_ORG_ID")
	if err != nil {
		return models.DecisionFilter{}, err
	}
	f := models.DecisionFilter{OrgID: id, CaseNumber: strings.TrimSpace(c.QueryParam("caseNumber"))}
	if v := c.QueryParam("groupId"); v != "" {
		if !models.ValidID(v) {
			return f, httpx.BadRequest("INVALID_GROUP_ID", "groupId", "groupId %q is not an id: an id is 24 lowercase hexadecimal digits.", shortForMessage(v))
		}
		f.ProjectID = v
	}
	if v := c.QueryParam("grantId"); v != "" {
		if !models.ValidID(v) {
			return f, httpx.BadRequest("INVALID_QUERY_PARAMETER", "grantId", "grantId %q is not an id: an id is 24 lowercase hexadecimal digits.", shortForMessage(v))
		}
		f.GrantID = v
	}
	if v := c.QueryParam("clusterName"); v != "" {
		if !models.ValidClusterName(v) {
			return f, httpx.BadRequest("INVALID_CLUSTER_NAME", "clusterName", "Cluster name %q is not valid.", shortForMessage(v))
		}
		f.ClusterName = v
	}
	switch v := c.QueryParam("outcome"); v {
	case "":
	case "ALLOWED", "DENIED":
		allowed := v == "ALLOWED"
		f.Allowed = &allowed
	default:
		return f, httpx.BadRequest("INVALID_ENUM_VALUE", "outcome", "outcome is ALLOWED or DENIED, not %q.", shortForMessage(v))
	}
	if v := c.QueryParam("scope"); v != "" {
		if !models.Scope(v).Valid() {
			return f, httpx.BadRequest("INVALID_ENUM_VALUE", "scope", "Unknown scope %q.", shortForMessage(v))
		}
		f.Scope = models.Scope(v)
	}
	if len(f.CaseNumber) > 64 {
		return f, httpx.BadRequest("INVALID_QUERY_PARAMETER", "caseNumber", "A case number has at most 64 characters.")
	}
	if f.MinDate, err = queryDate(c, "minDate"); err != nil {
		return f, err
	}
	if f.MaxDate, err = queryDate(c, "maxDate"); err != nil {
		return f, err
	}
	return f, nil
}
