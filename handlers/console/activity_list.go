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
// project, cluster and event type, 50 events a page, paged by keyset.
func (h *Handler) ActivityList(c echo.Context) error {
	a, f, err := h.activityQuery(c)
	if err != nil {
		return err
	}
	cur, err := cursorParams(c)
	if err != nil {
		return err
	}
	page, err := h.store.EventPage(c.Request().Context(), httpx.Principal(c), f, cur)
	if err != nil {
		return err
	}
	a.Events = page.Rows
	a.Pager = views.NewPager(page, activityPerPage, func(e *models.Event) string { return e.ID })
	if a.Page, a.Projects, err = h.filteredLayout(c, a.Org, a.ProjectID, "activity"); err != nil {
		return err
	}
	a.Page.Title = "Activity Feed"
	return httpx.Render(c, http.StatusOK, views.ActivityPageView(a))
}

// activityQuery reads the organization and the activity feed's filters,
// for the page and its export.
func (h *Handler) activityQuery(c echo.Context) (views.ActivityPage, models.EventFilter, error) {
	org, err := h.store.Org(c.Request().Context(), httpx.Principal(c), c.Param("orgId"))
	if err != nil {
		return views.ActivityPage{}, models.EventFilter{}, err
	}
	a := views.ActivityPage{Org: org, ProjectID: c.QueryParam("project"), Cluster: c.QueryParam("cluster"), Type: c.QueryParam("type")}
	f := models.EventFilter{OrgID: org.ID, ProjectID: a.ProjectID, PerPage: activityPerPage}
	if a.Cluster != "" {
		f.ClusterNames = []string{a.Cluster}
	}
	if a.Type != "" {
		if !models.EventType(a.Type).Valid() {
			return a, f, models.FieldError("type", "Unknown event type %q.", a.Type)
		}
		f.Types = []models.EventType{models.EventType(a.Type)}
	}
	return a, f, nil
}
