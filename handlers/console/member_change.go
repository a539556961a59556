package console

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/models/store"
	"supportaccess/views"
)

// MemberRoles sets a member's organization role and their project roles:
// each project of the organization the form names ("project.<id>"), with
// "" for no access.
func (h *Handler) MemberRoles(c echo.Context) error {
	ctx := c.Request().Context()
	pr := httpx.Principal(c)
	orgID := c.Param("orgId")
	projects, err := h.store.Projects(ctx, pr, orgID)
	if err != nil {
		return err
	}
	ch := store.RoleChange{OrgRole: models.Role(c.FormValue("orgRole")), ProjectRoles: map[string]models.Role{}}
	form, err := c.FormParams()
	if err != nil {
		return models.FieldError("orgRole", "The form could not be read.")
	}
	for _, p := range projects {
		if v, ok := form["project."+p.ID]; ok && len(v) > 0 {
			ch.ProjectRoles[p.ID] = models.Role(v[0])
		}
	}
	err = h.store.SetMemberRoles(ctx, httpx.Actor(c), orgID, c.Param("userId"), ch)
	if models.ErrorCode(err) == models.EINVALID {
		return h.memberRefused(c, err)
	}
	if err != nil {
		return err
	}
	h.setFlash(c, "Roles saved.")
	return c.Redirect(http.StatusSeeOther, "/orgs/"+orgID+"/members/"+c.Param("userId"))
}

// MemberRemove takes a member out of the organization; their sessions end
// at once.
func (h *Handler) MemberRemove(c echo.Context) error {
	orgID := c.Param("orgId")
	u, err := h.store.RemoveMember(c.Request().Context(), httpx.Actor(c), orgID, c.Param("userId"))
	if models.ErrorCode(err) == models.EINVALID {
		return h.memberRefused(c, err)
	}
	if err != nil {
		return err
	}
	if u.ID == httpx.Principal(c).ID {
		h.clearSessionCookie(c)
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	h.setFlash(c, u.Email+" was removed and signed out.")
	return c.Redirect(http.StatusSeeOther, "/orgs/"+orgID+"/members")
}

// MemberPasswordReset clears a member's password, ends their sessions and
// answers with the member's page and the one-time link (or that it was
// emailed).
func (h *Handler) MemberPasswordReset(c echo.Context) error {
	u, token, err := h.store.ResetMemberPassword(c.Request().Context(), httpx.Actor(c), c.Param("orgId"), c.Param("userId"))
	if err != nil {
		return err
	}
	if u.ID == httpx.Principal(c).ID {
		h.clearSessionCookie(c)
	}
	m, err := h.memberPage(c)
	if err != nil {
		return err
	}
	if m.Link, err = h.handOver(c, m.Org, u.Email, token, false); err != nil {
		return err
	}
	return httpx.Render(c, http.StatusOK, views.MemberPageView(m))
}

// memberRefused shows the member's page again with why a change was
// refused (the last owner, a bad role).
func (h *Handler) memberRefused(c echo.Context, cause error) error {
	m, err := h.memberPage(c)
	if err != nil {
		return err
	}
	m.Error = models.ErrorMessage(cause)
	return httpx.Render(c, http.StatusUnprocessableEntity, views.MemberPageView(m))
}
