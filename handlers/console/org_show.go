package console

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
)

// Home sends the user to the clusters of the first project they can see.
func (h *Handler) Home(c echo.Context) error {
	orgs, err := h.store.Orgs(c.Request().Context(), httpx.Principal(c))
	if err != nil {
		return err
	}
	if len(orgs) == 0 {
		return models.Errorf(models.ENOTFOUND, "Your account belongs to no organization yet. Ask an Organization Owner to add you.")
	}
	return c.Redirect(http.StatusSeeOther, "/orgs/"+orgs[0].ID)
}

// OrgHome opens an organization: its first project's clusters, or its
// settings when the user sees no project.
func (h *Handler) OrgHome(c echo.Context) error {
	ctx := c.Request().Context()
	org, err := h.store.Org(ctx, httpx.Principal(c), c.Param("orgId"))
	if err != nil {
		return err
	}
	projects, err := h.store.Projects(ctx, httpx.Principal(c), org.ID)
	if err != nil {
		return err
	}
	if len(projects) == 0 {
		return c.Redirect(http.StatusSeeOther, "/orgs/"+org.ID+"/settings")
	}
	return c.Redirect(http.StatusSeeOther, "/groups/"+projects[0].ID+"/clusters")
}
