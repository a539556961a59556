package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/models"
	"supportaccess/views"
)

// settingsShow renders Organization Settings.
func (s *Server) settingsShow(c echo.Context) error {
	org, err := s.store.Org(c.Request().Context(), principal(c), c.Param("orgId"))
	if err != nil {
		return err
	}
	p, err := s.orgLayout(c, org, "settings")
	if err != nil {
		return err
	}
	p.Title = "Organization Settings"
	return render(c, http.StatusOK, views.SettingsPage(p, org, models.CanChangeBlock(principal(c), org.ID)))
}

// settingsUpdate turns the block setting on or off.
func (s *Server) settingsUpdate(c echo.Context) error {
	var on bool
	switch c.FormValue("restrictEmployeeAccess") {
	case "true":
		on = true
	case "false":
	default:
		return models.FieldError("restrictEmployeeAccess", "Choose whether to block support access: true or false.")
	}
	org, err := s.store.SetBlock(c.Request().Context(), actor(c), c.Param("orgId"), on)
	if err != nil {
		return err
	}
	msg := "Support access is no longer blocked for " + org.Name + "."
	if on {
		msg = "Support access is now blocked for " + org.Name + "."
	}
	s.setFlash(c, msg)
	return c.Redirect(http.StatusSeeOther, "/orgs/"+org.ID+"/settings")
}
