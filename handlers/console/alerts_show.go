package console

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/views"
)

// AlertsShow renders a project's Alerts page.
func (h *Handler) AlertsShow(c echo.Context) error {
	a, err := h.alertsPage(c, views.AlertForm{EventType: string(models.EventGranted), Enabled: true, ProjectOwners: true})
	if err != nil {
		return err
	}
	return httpx.Render(c, http.StatusOK, views.AlertsPageView(a))
}

// alertsPage loads the Alerts page with form f.
func (h *Handler) alertsPage(c echo.Context, f views.AlertForm) (views.AlertsPage, error) {
	ctx := c.Request().Context()
	p := httpx.Principal(c)
	var a views.AlertsPage
	project, org, err := h.projectAndOrg(c)
	if err != nil {
		return a, err
	}
	alerts, err := h.store.AlertConfigs(ctx, p, project.ID)
	if err != nil {
		return a, err
	}
	page, err := h.projectLayout(c, org, project, "alerts")
	if err != nil {
		return a, err
	}
	page.Title = "Alerts · " + project.Name
	return views.AlertsPage{Page: page, Project: project, Alerts: alerts, CanManage: models.CanManageAlerts(p, project), EmailOn: h.emailOn, Form: f}, nil
}

// projectAndOrg reads the path's project, which the caller must see, and
// its organization.
func (h *Handler) projectAndOrg(c echo.Context) (models.Project, models.Organization, error) {
	ctx := c.Request().Context()
	p := httpx.Principal(c)
	project, err := h.store.Project(ctx, p, c.Param("groupId"))
	if err != nil {
		return project, models.Organization{}, err
	}
	org, err := h.store.Org(ctx, p, project.OrgID)
	return project, org, err
}
