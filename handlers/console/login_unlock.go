package console

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
)

// LoginUnlock lifts a member's login lock, for an Organization Owner
// whose colleague was locked out by someone else's guesses, and goes back
// to Organization Settings with a word on what happened.
func (h *Handler) LoginUnlock(c echo.Context) error {
	orgID := c.Param("orgId")
	email := c.FormValue("member")
	if err := h.store.UnlockMember(c.Request().Context(), httpx.Actor(c), orgID, email); err != nil {
		return err
	}
	h.setFlash(c, "Logins to "+email+" are unlocked. They can log in again now.")
	return c.Redirect(http.StatusSeeOther, "/orgs/"+orgID+"/settings")
}
