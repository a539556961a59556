package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/models"
)

// home sends the user to the clusters of the first project they can see.
func (s *Server) home(c echo.Context) error {
	orgs, err := s.store.Orgs(c.Request().Context(), principal(c))
	if err != nil {
		return err
	}
	if len(orgs) == 0 {
		return models.Errorf(models.ENOTFOUND, "Your account belongs to no organization yet. Ask an Organization Owner to add you.")
	}
	return c.Redirect(http.StatusSeeOther, "/orgs/"+orgs[0].ID)
}

// orgHome opens an organization: its first project's clusters, or its
// settings when the user sees no project.
func (s *Server) orgHome(c echo.Context) error {
	ctx := c.Request().Context()
	org, err := s.store.Org(ctx, principal(c), c.Param("orgId"))
	if err != nil {
		return err
	}
	projects, err := s.store.Projects(ctx, principal(c), org.ID)
	if err != nil {
		return err
	}
	if len(projects) == 0 {
		return c.Redirect(http.StatusSeeOther, "/orgs/"+org.ID+"/settings")
	}
	return c.Redirect(http.StatusSeeOther, "/groups/"+projects[0].ID+"/clusters")
}
