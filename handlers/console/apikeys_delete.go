package console

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
)

// APIKeyDelete deletes an API key; requests signed with it fail at once.
func (h *Handler) APIKeyDelete(c echo.Context) error {
	orgID := c.Param("orgId")
	if err := h.store.DeleteAPIKey(c.Request().Context(), httpx.Actor(c), orgID, c.Param("keyId")); err != nil {
		return err
	}
	h.setFlash(c, "API key deleted.")
	return c.Redirect(http.StatusSeeOther, "/orgs/"+orgID+"/apikeys")
}

// ServiceAccountDelete deletes a service account and ends its tokens.
func (h *Handler) ServiceAccountDelete(c echo.Context) error {
	orgID := c.Param("orgId")
	if err := h.store.DeleteServiceAccount(c.Request().Context(), httpx.Actor(c), orgID, c.Param("accountId")); err != nil {
		return err
	}
	h.setFlash(c, "Service account deleted.")
	return c.Redirect(http.StatusSeeOther, "/orgs/"+orgID+"/apikeys")
}
