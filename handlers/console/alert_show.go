package console

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/views"
)

// deliveriesShown is how many of an alert's newest deliveries its page lists.
const deliveriesShown = 100

// AlertShow renders one alert: its deliveries, and its form for owners.
func (h *Handler) AlertShow(c echo.Context) error {
	a, err := h.alertPage(c, nil)
	if err != nil {
		return err
	}
	return httpx.Render(c, http.StatusOK, views.AlertPageView(a))
}

// alertPage loads an alert's page; f, when given, is the form as it was
// submitted.
func (h *Handler) alertPage(c echo.Context, f *views.AlertForm) (views.AlertPage, error) {
	ctx := c.Request().Context()
	p := httpx.Principal(c)
	var a views.AlertPage
	project, org, err := h.projectAndOrg(c)
	if err != nil {
		return a, err
	}
	alert, err := h.store.AlertConfig(ctx, p, project.ID, c.Param("alertId"))
	if err != nil {
		return a, err
	}
	deliveries, err := h.store.AlertDeliveries(ctx, p, project.ID, alert.ID, deliveriesShown)
	if err != nil {
		return a, err
	}
	page, err := h.projectLayout(c, org, project, "alerts")
	if err != nil {
		return a, err
	}
	page.Title = models.AlertEventLabel(alert.EventType) + " · Alerts · " + project.Name
	form := formOf(alert)
	if f != nil {
		form = *f
	}
	return views.AlertPage{Page: page, Project: project, Alert: alert, Deliveries: deliveries,
		CanManage: models.CanManageAlerts(p, project), EmailOn: h.emailOn, Form: form}, nil
}
