package console

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/views"
)

// AlertCreate creates an alert from the Alerts page's form; a refusal
// re-renders the page with the form as sent and the reason.
func (h *Handler) AlertCreate(c echo.Context) error {
	a, f := alertOfForm(c, nil)
	made, err := h.store.CreateAlertConfig(c.Request().Context(), httpx.Actor(c), c.Param("groupId"), a)
	if models.ErrorCode(err) == models.EINVALID {
		page, perr := h.alertsPage(c, withError(f, err))
		if perr != nil {
			return perr
		}
		return httpx.Render(c, http.StatusUnprocessableEntity, views.AlertsPageView(page))
	}
	if err != nil {
		return err
	}
	h.setFlash(c, "Alert created: "+models.AlertEventLabel(made.EventType)+".")
	return c.Redirect(http.StatusSeeOther, "/groups/"+made.ProjectID+"/alerts")
}

// AlertUpdate saves an alert's form over the alert.
func (h *Handler) AlertUpdate(c echo.Context) error {
	ctx := c.Request().Context()
	gid, aid := c.Param("groupId"), c.Param("alertId")
	old, err := h.store.AlertConfig(ctx, httpx.Principal(c), gid, aid)
	if err != nil {
		return err
	}
	a, f := alertOfForm(c, &old)
	_, err = h.store.ReplaceAlertConfig(ctx, httpx.Actor(c), gid, aid, a)
	if models.ErrorCode(err) == models.EINVALID {
		f = withError(f, err)
		page, perr := h.alertPage(c, &f)
		if perr != nil {
			return perr
		}
		return httpx.Render(c, http.StatusUnprocessableEntity, views.AlertPageView(page))
	}
	if err != nil {
		return err
	}
	h.setFlash(c, "Alert saved.")
	return c.Redirect(http.StatusSeeOther, "/groups/"+gid+"/alerts/"+aid)
}

// AlertToggle enables or disables an alert, from its row or its page.
func (h *Handler) AlertToggle(c echo.Context) error {
	gid, aid := c.Param("groupId"), c.Param("alertId")
	enabled := c.FormValue("enabled") == "true"
	a, err := h.store.SetAlertConfigEnabled(c.Request().Context(), httpx.Actor(c), gid, aid, enabled)
	if err != nil {
		return err
	}
	if enabled {
		h.setFlash(c, "Alert enabled: "+models.AlertEventLabel(a.EventType)+".")
	} else {
		h.setFlash(c, "Alert disabled: "+models.AlertEventLabel(a.EventType)+". Nothing is sent for it until it is enabled again.")
	}
	back := "/groups/" + gid + "/alerts"
	if c.FormValue("from") == "alert" {
		back += "/" + aid
	}
	return c.Redirect(http.StatusSeeOther, back)
}

// AlertDelete deletes an alert.
func (h *Handler) AlertDelete(c echo.Context) error {
	gid := c.Param("groupId")
	if err := h.store.DeleteAlertConfig(c.Request().Context(), httpx.Actor(c), gid, c.Param("alertId")); err != nil {
		return err
	}
	h.setFlash(c, "Alert deleted.")
	return c.Redirect(http.StatusSeeOther, "/groups/"+gid+"/alerts")
}
