package console

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
)

// SettingsUpdate turns the block setting on or off.
func (h *Handler) SettingsUpdate(c echo.Context) error {
	var on bool
	switch c.FormValue("restrictEmployeeAccess") {
	case "true":
		on = true
	case "false":
	default:
		return models.FieldError("restrictEmployeeAccess", "Choose whether to block support access: true or false.")
	}
	org, err := h.store.SetBlock(c.Request().Context(), httpx.Actor(c), c.Param("orgId"), on)
	if err != nil {
		return err
	}
	msg := "Support access is no longer blocked for " + org.Name + "."
	if on {
		msg = "Support access is now blocked for " + org.Name + "."
	}
	h.setFlash(c, msg)
	return c.Redirect(http.StatusSeeOther, "/orgs/"+org.ID+"/settings")
}
