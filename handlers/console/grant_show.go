package console

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/views"
)

// GrantShow renders the grant dialog (htmx) or page.
func (h *Handler) GrantShow(c echo.Context) error {
	r, err := h.clusterRow(c.Request().Context(), c)
	if err != nil {
		return err
	}
	if err := models.AuthorizeGrantChange(httpx.Principal(c), r.Project); err != nil {
		return err
	}
	f, err := h.grantForm(c, r)
	if err != nil {
		return err
	}
	return h.renderGrantForm(c, http.StatusOK, f)
}

// grantForm is the grant dialog of row r: the types the organization's
// policy lets the user grant directly, and why it leaves any out.
func (h *Handler) grantForm(c echo.Context, r views.ClusterRow) (views.GrantForm, error) {
	policy, err := h.store.SupportAccessPolicy(c.Request().Context(), httpx.Principal(c), r.Org.ID)
	if err != nil {
		return views.GrantForm{}, err
	}
	f := views.GrantForm{Row: r, Hours: policy.MaxGrantHours, RequestKey: models.RandomToken(requestKeyBytes)}
	f.Choices, f.PolicyNotes = policy.DirectGrantTypes(httpx.Principal(c), r.Cluster)
	return f, nil
}

// renderGrantForm renders the grant form: the dialog for htmx, else a
// page of its own.
func (h *Handler) renderGrantForm(c echo.Context, status int, f views.GrantForm) error {
	if httpx.IsPartial(c) {
		f.Page = h.layout(c)
		return httpx.Render(c, status, views.GrantDialog(f))
	}
	p, err := h.projectLayout(c, f.Row.Org, f.Row.Project, "clusters")
	if err != nil {
		return err
	}
	p.Title = "Grant access · " + f.Row.Name
	f.Page = p
	return httpx.Render(c, status, views.GrantPage(f))
}
