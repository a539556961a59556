package console

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/views"
)

// requestForm loads the request of the path, for someone who may decide
// on it, with the choices its approval offers under the policy.
func (h *Handler) requestForm(c echo.Context) (views.RequestForm, error) {
	ctx := c.Request().Context()
	p := httpx.Principal(c)
	r, pr, err := h.store.ProjectRequest(ctx, p, c.Param("groupId"), c.Param("requestId"))
	if err != nil {
		return views.RequestForm{}, err
	}
	if err := models.AuthorizeGrantChange(p, pr); err != nil {
		return views.RequestForm{}, err
	}
	policy, err := h.store.SupportAccessPolicy(ctx, p, pr.OrgID)
	if err != nil {
		return views.RequestForm{}, err
	}
	row, err := h.requestRow(c, r, pr)
	if err != nil {
		return views.RequestForm{}, err
	}
	f := views.RequestForm{Row: row, From: c.QueryParam("from")}
	if f.From == "" {
		f.From = c.FormValue("from")
	}
	if f.From != "clusters" {
		f.From = "requests"
	}
	if !row.Pending() {
		f.Error = "This request is " + row.StatusAt(row.Now).Label() + ", not pending: there is nothing to decide."
		return f, nil
	}
	for _, t := range models.GrantTypes {
		if t.Within(r.GrantType) && policy.Allows(t) {
			f.Choices = append(f.Choices, t)
		}
	}
	most := min(r.DurationHours, policy.MaxGrantHours)
	for n := 1; n <= most; n++ {
		f.Hours = append(f.Hours, n)
	}
	f.Selected, f.SelectedHours = r.GrantType, most
	if !policy.Allows(r.GrantType) && len(f.Choices) > 0 {
		f.Selected = f.Choices[len(f.Choices)-1]
		f.PolicyNotes = append(f.PolicyNotes, "Your organization's policy does not allow "+r.GrantType.Short()+" grants: you may approve narrower access only.")
	}
	if len(f.Choices) == 0 {
		f.PolicyNotes = append(f.PolicyNotes, "Your organization's policy allows none of the access this request asks for: deny it, or change the policy in Organization Settings.")
	}
	if most < r.DurationHours {
		f.PolicyNotes = append(f.PolicyNotes, "Your organization's policy allows grants of at most "+models.Hours(policy.MaxGrantHours)+".")
	}
	if policy.SecondApproverForSyncData && r.GrantType == models.GrantInfrastructureSync {
		if r.FirstApprover != "" {
			f.PolicyNotes = append(f.PolicyNotes, r.FirstApprover+" gave the first approval; sync data needs a second person.")
		} else {
			f.PolicyNotes = append(f.PolicyNotes, "Sync data needs two approvals by different people: yours is the first.")
		}
	}
	return f, nil
}

// renderRequestForm renders the approve or deny form: the dialog for
// htmx, else a page of its own.
func (h *Handler) renderRequestForm(c echo.Context, status int, f views.RequestForm, deny bool) error {
	if httpx.IsPartial(c) {
		f.Page = h.layout(c)
		if deny {
			return httpx.Render(c, status, views.DenyDialog(f))
		}
		return httpx.Render(c, status, views.ApproveDialog(f))
	}
	org, err := h.store.Org(c.Request().Context(), httpx.Principal(c), f.Row.OrgID)
	if err != nil {
		return err
	}
	p, err := h.orgLayout(c, org, "requests")
	if err != nil {
		return err
	}
	f.Page = p
	if deny {
		p.Title = "Deny access request · " + f.Row.CaseNumber
		f.Page = p
		return httpx.Render(c, status, views.DenyPage(f))
	}
	p.Title = "Approve access request · " + f.Row.CaseNumber
	f.Page = p
	return httpx.Render(c, status, views.ApprovePage(f))
}

// RequestApproveShow renders the approval dialog (htmx) or page.
func (h *Handler) RequestApproveShow(c echo.Context) error {
	f, err := h.requestForm(c)
	if err != nil {
		return err
	}
	return h.renderRequestForm(c, http.StatusOK, f, false)
}

// RequestDenyShow renders the denial dialog (htmx) or page.
func (h *Handler) RequestDenyShow(c echo.Context) error {
	f, err := h.requestForm(c)
	if err != nil {
		return err
	}
	return h.renderRequestForm(c, http.StatusOK, f, true)
}
