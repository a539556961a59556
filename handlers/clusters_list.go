package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/models"
	"supportaccess/views"
)

// clustersList renders a project's clusters page.
func (s *Server) clustersList(c echo.Context) error {
	ctx := c.Request().Context()
	pr := principal(c)
	l, err := s.store.ClusterList(ctx, pr, c.Param("groupId"))
	if err != nil {
		return err
	}
	// Every row shares the project, the user, the moment and the token:
	// what s.row works out per row is worked out once for the page.
	v := views.ClustersPage{Project: l.Project, Org: l.Org, Version: l.Version, Clusters: l.Clusters,
		CanManage: models.CanManageGrants(pr, l.Project), Now: s.store.Now(), CSRF: csrfToken(c), Rows: s.rows}
	giveRequestKeys(&v)
	if isPartial(c) && c.Request().Header.Get("HX-Target") == "clusters-body" {
		// An open page re-syncing: the rows and the banner, no layout.
		return render(c, http.StatusOK, views.ClustersRefresh(v))
	}
	p, err := s.projectLayout(c, l.Org, l.Project, "clusters")
	if err != nil {
		return err
	}
	p.Title = "Clusters · " + l.Project.Name
	v.Page = p
	return render(c, http.StatusOK, views.ClustersPageView(v))
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

// requestKeyBytes is the randomness of a form's request key.
const requestKeyBytes = 16

// withRequestKey gives a row that is about to be rendered alone the
// request key its sync form needs, if it offers the form.
func withRequestKey(r views.ClusterRow) views.ClusterRow {
	if r.NeedsRequestKey() {
		r.RequestKey = models.RandomToken(requestKeyBytes)
	}
	return r
}

// row builds a cluster row's view data.
func (s *Server) row(c echo.Context, cv models.ClusterView) views.ClusterRow {
	return views.ClusterRow{ClusterView: cv, CanManage: models.CanManageGrants(principal(c), cv.Project),
		Now: s.store.Now(), CSRF: csrfToken(c)}
}

// clusterRow loads one cluster the user can see, as a row.
func (s *Server) clusterRow(ctx context.Context, c echo.Context) (views.ClusterRow, error) {
	cv, err := s.store.ClusterByName(ctx, principal(c), c.Param("groupId"), c.Param("clusterName"))
	if err != nil {
		return views.ClusterRow{}, err
	}
	return s.row(c, cv), nil
}

// clusterStatus answers a row's re-sync: the row partial for htmx, a page
// with the cluster's status otherwise.
func (s *Server) clusterStatus(c echo.Context) error {
	r, err := s.clusterRow(c.Request().Context(), c)
	if err != nil {
		return err
	}
	r = withRequestKey(r)
	if isPartial(c) {
		return render(c, http.StatusOK, views.ClusterRowView(r))
	}
	p, err := s.projectLayout(c, r.Org, r.Project, "clusters")
	if err != nil {
		return err
	}
	p.Title = r.Name
	return render(c, http.StatusOK, views.StatusPage(p, r))
}
