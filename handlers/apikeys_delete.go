package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// apiKeyDelete deletes an API key; requests signed with it fail at once.
func (s *Server) apiKeyDelete(c echo.Context) error {
	orgID := c.Param("orgId")
	if err := s.store.DeleteAPIKey(c.Request().Context(), actor(c), orgID, c.Param("keyId")); err != nil {
		return err
	}
	s.setFlash(c, "API key deleted.")
	return c.Redirect(http.StatusSeeOther, "/orgs/"+orgID+"/apikeys")
}

// serviceAccountDelete deletes a service account and ends its tokens.
func (s *Server) serviceAccountDelete(c echo.Context) error {
	orgID := c.Param("orgId")
	if err := s.store.DeleteServiceAccount(c.Request().Context(), actor(c), orgID, c.Param("accountId")); err != nil {
		return err
	}
	s.setFlash(c, "Service account deleted.")
	return c.Redirect(http.StatusSeeOther, "/orgs/"+orgID+"/apikeys")
}
