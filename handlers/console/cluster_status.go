package console

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/views"
)

// ClusterStatus answers a row's re-sync: the row partial for htmx, a page
// with the cluster's status otherwise.
func (h *Handler) ClusterStatus(c echo.Context) error {
	r, err := h.clusterRow(c.Request().Context(), c)
	if err != nil {
		return err
	}
	r = withRequestKey(r)
	if httpx.IsPartial(c) {
		return httpx.Render(c, http.StatusOK, views.ClusterRowView(r))
	}
	p, err := h.projectLayout(c, r.Org, r.Project, "clusters")
	if err != nil {
		return err
	}
	p.Title = r.Name
	return httpx.Render(c, http.StatusOK, views.StatusPage(p, r))
}
