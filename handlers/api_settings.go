package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// apiSettings is an organization's settings as the Admin API shows them.
type apiSettings struct {
	RestrictEmployeeAccess bool `json:"restrictEmployeeAccess"`
}

// apiSettingsShow answers GET /orgs/{orgId}/settings.
func (s *Server) apiSettingsShow(c echo.Context) error {
	id, err := pathID(c, "orgId", "INVALID_ORG_ID")
	if err != nil {
		return err
	}
	org, err := s.store.Org(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, apiSettings{RestrictEmployeeAccess: org.BlockSupportAccess})
}

// apiSettingsUpdate answers PATCH /orgs/{orgId}/settings: the block
// setting, which only an organization owner may change (models.SetBlock).
func (s *Server) apiSettingsUpdate(c echo.Context) error {
	id, err := pathID(c, "orgId", "INVALID_ORG_ID")
	if err != nil {
		return err
	}
	body, err := readBody(c)
	if err != nil {
		return err
	}
	var req struct {
		RestrictEmployeeAccess *bool `json:"restrictEmployeeAccess"`
	}
	if err := decodeStrict(body, &req); err != nil {
		return err
	}
	if req.RestrictEmployeeAccess == nil {
		return badRequest("MISSING_ATTRIBUTE", "restrictEmployeeAccess", "Attribute restrictEmployeeAccess (true or false) is required.")
	}
	org, err := s.store.SetBlock(c.Request().Context(), actor(c), id, *req.RestrictEmployeeAccess)
	if err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, apiSettings{RestrictEmployeeAccess: org.BlockSupportAccess})
}
