package console

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/views"
)

// RevokeShow renders the revoke confirmation (htmx) or page.
func (h *Handler) RevokeShow(c echo.Context) error {
	r, err := h.clusterRow(c.Request().Context(), c)
	if err != nil {
		return err
	}
	if err := models.AuthorizeGrantChange(httpx.Principal(c), r.Project); err != nil {
		return err
	}
	f := views.RevokeForm{Row: r}
	if httpx.IsPartial(c) {
		f.Page = h.layout(c)
		return httpx.Render(c, http.StatusOK, views.RevokeDialog(f))
	}
	p, err := h.projectLayout(c, r.Org, r.Project, "clusters")
	if err != nil {
		return err
	}
	p.Title = "Revoke access · " + r.Name
	f.Page = p
	return httpx.Render(c, http.StatusOK, views.RevokePage(f))
}
