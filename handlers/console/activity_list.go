package console

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/views"
)

const activityPerPage = 50

// ActivityList renders an organization's activity feed, filtered by
// project, cluster and event type, 50 events a page.
func (h *Handler) ActivityList(c echo.Context) error {
	ctx := c.Request().Context()
	pr := httpx.Principal(c)
	org, err := h.store.Org(ctx, pr, c.Param("orgId"))
	if err != nil {
		return err
	}
	a := views.ActivityPage{Org: org, Pager: views.Pager{PerPage: activityPerPage}, ProjectID: c.QueryParam("project"),
		Cluster: c.QueryParam("cluster"), Type: c.QueryParam("type")}
	if a.PageNum, err = pageParam(c); err != nil {
		return err
	}
	f := models.EventFilter{OrgID: org.ID, ProjectID: a.ProjectID, Page: a.PageNum, PerPage: a.PerPage}
	if a.Cluster != "" {
		f.ClusterNames = []string{a.Cluster}
	}
	if a.Type != "" {
		if !models.EventType(a.Type).Valid() {
			return models.FieldError("type", "Unknown event type %q.", a.Type)
		}
		f.Types = []models.EventType{models.EventType(a.Type)}
	}
	if a.Events, a.Total, err = h.store.Events(ctx, pr, f); err != nil {
		return err
	}
	if a.Page, a.Projects, err = h.filteredLayout(c, org, a.ProjectID, "activity"); err != nil {
		return err
	}
	a.Page.Title = "Activity Feed"
	return httpx.Render(c, http.StatusOK, views.ActivityPageView(a))
}
