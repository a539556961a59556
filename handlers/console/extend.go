package console

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/views"
)

// ExtendShow renders the dialog (htmx) or page that extends the grant in
// force: the same type, ending the policy's maximum from now.
func (h *Handler) ExtendShow(c echo.Context) error {
	r, err := h.clusterRow(c.Request().Context(), c)
	if err != nil {
		return err
	}
	if err := models.AuthorizeGrantChange(httpx.Principal(c), r.Project); err != nil {
		return err
	}
	return h.renderExtend(c, http.StatusOK, r, "")
}

func (h *Handler) renderExtend(c echo.Context, status int, r views.ClusterRow, msg string) error {
	policy, err := h.store.SupportAccessPolicy(c.Request().Context(), httpx.Principal(c), r.Org.ID)
	if err != nil {
		return err
	}
	f := views.ExtendForm{Row: r, Hours: policy.MaxGrantHours, NewExpiry: h.store.Now().Add(policy.MaxDuration()),
		RequestKey: models.RandomToken(requestKeyBytes), Error: msg}
	if httpx.IsPartial(c) {
		f.Page = h.layout(c)
		return httpx.Render(c, status, views.ExtendDialog(f))
	}
	p, err := h.projectLayout(c, r.Org, r.Project, "clusters")
	if err != nil {
		return err
	}
	p.Title = "Extend access · " + r.Name
	f.Page = p
	return httpx.Render(c, status, views.ExtendPage(f))
}

// ExtendSubmit extends the grant in force by granting its type again,
// which the store records as an extension. A grant replaced or ended
// meanwhile shows the dialog again with the reason.
func (h *Handler) ExtendSubmit(c echo.Context) error {
	ctx := c.Request().Context()
	r, err := h.clusterRow(ctx, c)
	if err != nil {
		return err
	}
	t := models.GrantType(c.FormValue("grantType"))
	if r.Grant == nil || r.Grant.Type != t {
		if err := models.AuthorizeGrantChange(httpx.Principal(c), r.Project); err != nil {
			return err
		}
		return h.renderExtend(c, http.StatusConflict, r, "The grant in force changed since this dialog opened: nothing was extended.")
	}
	res, err := h.store.GrantAccess(ctx, httpx.Actor(c), models.GrantRequest{ProjectID: r.Project.ID, ClusterName: r.Name, Type: t, RequestKey: c.FormValue("requestKey")})
	if code := models.ErrorCode(err); code == models.EINVALID || code == models.ECONFLICT || (code == models.EFORBIDDEN && models.CanManageGrants(httpx.Principal(c), r.Project)) {
		return h.renderExtend(c, httpx.StatusOf(code), r, models.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	res.Cluster.Request = r.Request
	return h.actionDone(c, h.row(c, res.Cluster), "Extended "+res.Grant.Type.Short()+" access to "+r.Name+" until "+views.FormatTime(res.Grant.ExpiresAt.Time())+".")
}
