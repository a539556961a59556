package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/models"
	"supportaccess/views"
)

// revokeShow renders the revoke confirmation (htmx) or page.
func (s *Server) revokeShow(c echo.Context) error {
	r, err := s.clusterRow(c.Request().Context(), c)
	if err != nil {
		return err
	}
	if err := models.AuthorizeGrantChange(principal(c), r.Project); err != nil {
		return err
	}
	f := views.RevokeForm{Row: r}
	if isPartial(c) {
		f.Page = s.layout(c)
		return render(c, http.StatusOK, views.RevokeDialog(f))
	}
	p, err := s.projectLayout(c, r.Org, r.Project, "clusters")
	if err != nil {
		return err
	}
	p.Title = "Revoke access · " + r.Name
	f.Page = p
	return render(c, http.StatusOK, views.RevokePage(f))
}

// revokeSubmit ends the grant in force at once.
func (s *Server) revokeSubmit(c echo.Context) error {
	revoked, cv, err := s.store.RevokeAccess(c.Request().Context(), actor(c), c.Param("groupId"), c.Param("clusterName"))
	if err != nil {
		return err
	}
	msg := "Revoked temporary infrastructure access to " + cv.Name + "."
	if !revoked {
		msg = "There was no temporary access in force on " + cv.Name + "; nothing changed."
	}
	return s.actionDone(c, s.row(c, cv), msg)
}
