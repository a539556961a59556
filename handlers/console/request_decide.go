package console

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/views"
)

// RequestApprove approves a request as the form narrows it, granting in
// the same transaction. A refusal (approved meanwhile, lapsed, above the
// policy, the first approver again) re-renders the dialog with the reason.
func (h *Handler) RequestApprove(c echo.Context) error {
	ap := models.Approval{GrantType: models.GrantType(c.FormValue("grantType"))}
	if v := c.FormValue("durationHours"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return h.refuseDecision(c, models.FieldError("durationHours", "Choose how many hours to grant."), false)
		}
		ap.DurationHours = n
	}
	r, res, err := h.store.ApproveRequest(c.Request().Context(), httpx.Actor(c), c.Param("groupId"), c.Param("requestId"), ap)
	if err != nil {
		return h.refuseDecision(c, err, false)
	}
	if res == nil {
		return h.decisionDone(c, r, nil, "First approval recorded for case "+r.CaseNumber+": sync data needs a second person with approval rights.")
	}
	msg := "Approved case " + r.CaseNumber + ": " + res.Grant.Type.Short() + " access to " + r.ClusterName + " until " + views.FormatTime(res.Grant.ExpiresAt.Time()) + "."
	return h.decisionDone(c, r, res, msg)
}

// RequestDeny denies a request with the form's reason.
func (h *Handler) RequestDeny(c echo.Context) error {
	r, err := h.store.DenyRequest(c.Request().Context(), httpx.Actor(c), c.Param("groupId"), c.Param("requestId"), c.FormValue("reason"))
	if err != nil {
		return h.refuseDecision(c, err, true)
	}
	return h.decisionDone(c, r, nil, "Denied case "+r.CaseNumber+" on "+r.ClusterName+". Support sees your reason.")
}

// refuseDecision answers a refused approval or denial: the form again
// with the reason, for someone who may decide; any other error as is.
func (h *Handler) refuseDecision(c echo.Context, err error, deny bool) error {
	code := models.ErrorCode(err)
	if code != models.EINVALID && code != models.ECONFLICT && code != models.EFORBIDDEN {
		return err
	}
	f, ferr := h.requestForm(c)
	if ferr != nil {
		return ferr
	}
	f.Error, f.Reason = models.ErrorMessage(err), c.FormValue("reason")
	return h.renderRequestForm(c, httpx.StatusOf(code), f, deny)
}

// decisionDone finishes a decision where the dialog was opened: the
// cluster's row on the clusters page (whose countdown starts), or the
// request's row on the Access Requests page; without htmx, a redirect.
func (h *Handler) decisionDone(c echo.Context, r models.SupportAccessRequest, res *models.GrantResult, msg string) error {
	ctx := c.Request().Context()
	if c.FormValue("from") == "clusters" {
		cv, err := h.store.ClusterByName(ctx, httpx.Principal(c), r.ProjectID, r.ClusterName)
		if err != nil {
			return err
		}
		if cv.Request, err = h.store.PendingRequestOn(ctx, cv.ID); err != nil {
			return err
		}
		return h.actionDone(c, h.row(c, cv), msg)
	}
	if !httpx.IsPartial(c) {
		h.setFlash(c, msg)
		return c.Redirect(http.StatusSeeOther, views.RequestsURL(r.OrgID))
	}
	pr, err := h.store.Project(ctx, httpx.Principal(c), r.ProjectID)
	if err != nil {
		return err
	}
	row, err := h.requestRow(c, r, pr)
	if err != nil {
		return err
	}
	if res != nil {
		row.Grant = &res.Grant
	}
	return httpx.Render(c, http.StatusOK, views.RequestDone(row, msg))
}
