package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/models"
)

// apiSettings is an organization's settings as the Admin API shows them.
// Besides the block setting, the Atlas schema has four settings this
// console does not manage; it shows them with the values that hold here
// (no API access list, no multi-factor requirement, no generative AI
// features, no security contact), because clients such as Terraform's
// organization resource read and send all five.
type apiSettings struct {
	APIAccessListRequired   bool   `json:"apiAccessListRequired"`
	MultiFactorAuthRequired bool   `json:"multiFactorAuthRequired"`
	RestrictEmployeeAccess  bool   `json:"restrictEmployeeAccess"`
	GenAIFeaturesEnabled    bool   `json:"genAIFeaturesEnabled"`
	SecurityContact         string `json:"securityContact"`
}

// settingsOf shows an organization's settings.
func settingsOf(org models.Organization) apiSettings {
	return apiSettings{RestrictEmployeeAccess: org.BlockSupportAccess}
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
	return apiOK(c, http.StatusOK, settingsOf(org))
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
		APIAccessListRequired   *bool   `json:"apiAccessListRequired"`
		MultiFactorAuthRequired *bool   `json:"multiFactorAuthRequired"`
		RestrictEmployeeAccess  *bool   `json:"restrictEmployeeAccess"`
		GenAIFeaturesEnabled    *bool   `json:"genAIFeaturesEnabled"`
		SecurityContact         *string `json:"securityContact"`
	}
	if err := decodeStrict(body, &req); err != nil {
		return err
	}
	// The settings this console does not manage are accepted only with
	// the values that hold here, so that a client sending all five (as
	// Terraform does) can change the block, and no request is taken to
	// have changed something it did not.
	for _, fixed := range []struct {
		name string
		sent bool
	}{
		{"apiAccessListRequired", req.APIAccessListRequired != nil && *req.APIAccessListRequired},
		{"multiFactorAuthRequired", req.MultiFactorAuthRequired != nil && *req.MultiFactorAuthRequired},
		{"genAIFeaturesEnabled", req.GenAIFeaturesEnabled != nil && *req.GenAIFeaturesEnabled},
	} {
		if fixed.sent {
			return badRequest("INVALID_ATTRIBUTE", fixed.name, "This console does not manage %s; it is always false here, and only false is accepted.", fixed.name)
		}
	}
	if req.SecurityContact != nil && *req.SecurityContact != "" {
		return badRequest("INVALID_ATTRIBUTE", "securityContact", "This console does not keep a security contact; only an empty securityContact is accepted.")
	}
	if req.RestrictEmployeeAccess == nil {
		return badRequest("MISSING_ATTRIBUTE", "restrictEmployeeAccess", "Attribute restrictEmployeeAccess (true or false) is required.")
	}
	org, err := s.store.SetBlock(c.Request().Context(), actor(c), id, *req.RestrictEmployeeAccess)
	if err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, settingsOf(org))
}
