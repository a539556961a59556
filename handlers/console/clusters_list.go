package console

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/views"
)

// ClustersList renders a project's clusters page.
func (h *Handler) ClustersList(c echo.Context) error {
	ctx := c.Request().Context()
	pr := httpx.Principal(c)
	l, err := h.store.ClusterList(ctx, pr, c.Param("groupId"))
	if err != nil {
		return err
	}
	// Every row shares the project, the user, the moment and the token:
	// what h.row works out per row is worked out once for the page.
	v := views.ClustersPage{Project: l.Project, Org: l.Org, Version: l.Version, Clusters: l.Clusters,
		CanManage: models.CanManageGrants(pr, l.Project), Now: h.store.Now(), CSRF: httpx.CSRFToken(c), Rows: h.rows}
	giveRequestKeys(&v)
	if httpx.IsPartial(c) && c.Request().Header.Get("HX-Target") == "clusters-body" {
		// An open page re-syncing: the rows and the banner, no layout.
		return httpx.Render(c, http.StatusOK, views.ClustersRefresh(v))
	}
	p, err := h.projectLayout(c, l.Org, l.Project, "clusters")
	if err != nil {
		return err
	}
	p.Title = "Clusters · " + l.Project.Name
	v.Page = p
	return httpx.Render(c, http.StatusOK, views.ClustersPageView(v))
}

// giveRequestKeys gives each row of v that offers the sync grant form a
// fresh request key: one random read for the page, sliced per row, where
// a key per row cost two allocations each.
func giveRequestKeys(v *views.ClustersPage) {
	n := 0
	for i := range v.Clusters {
		if v.NeedsRequestKey(i) {
			n++
		}
	}
	if n == 0 {
		return
	}
	const size = 2 * requestKeyBytes // hex
	all := models.RandomToken(requestKeyBytes * n)
	v.RequestKeys = make([]string, len(v.Clusters))
	for i := range v.Clusters {
		if v.NeedsRequestKey(i) {
			v.RequestKeys[i], all = all[:size], all[size:]
		}
	}
}
