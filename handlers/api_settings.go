package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/models/store"
)

// apiSettings is an organization's settings as the Admin API shows them.
// Besides the block setting, the Atlas schema has four settings, which
// clients such as Terraform's organization resource read and send all of.
// genAIFeaturesEnabled is kept as sent (store.OrgSettings) though it has
// no effect here; the other three are shown with the values that hold on
// this server (no API access list, no multi-factor requirement, no
// security contact), since it cannot honour any other.
type apiSettings struct {
	APIAccessListRequired   bool   `json:"apiAccessListRequired"`
	MultiFactorAuthRequired bool   `json:"multiFactorAuthRequired"`
	RestrictEmployeeAccess  bool   `json:"restrictEmployeeAccess"`
	GenAIFeaturesEnabled    bool   `json:"genAIFeaturesEnabled"`
	SecurityContact         string `json:"securityContact"`
}

// settingsOf shows an organization's settings.
func settingsOf(st store.OrgSettings) apiSettings {
	return apiSettings{RestrictEmployeeAccess: st.Org.BlockSupportAccess, GenAIFeaturesEnabled: st.GenAIFeaturesEnabled}
}

// apiSettingsShow answers GET /orgs/{orgId}/settings.
func (s *Server) apiSettingsShow(c echo.Context) error {
	id, err := pathID(c, "orgId", "INVALID_ORG_ID")
	if err != nil {
		return err
	}
	st, err := s.store.OrgSettings(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, settingsOf(st))
}

// apiSettingsUpdate answers PATCH /orgs/{orgId}/settings: the block
// setting and the generative AI one, which only an organization owner may
// change (models.SetOrgSettings); a PATCH changes only those it names.
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
	// The settings this server cannot honour are accepted only with the
	// values that hold here, so that a client sending all five (as
	// Terraform does) can change the others, and no request is taken to
	// have changed something it did not.
	if req.APIAccessListRequired != nil && *req.APIAccessListRequired {
		return badRequest("INVALID_ATTRIBUTE", "apiAccessListRequired", "This server cannot require an API access list: it keeps none, so apiAccessListRequired is always false here and only false is accepted.")
	}
	if req.MultiFactorAuthRequired != nil && *req.MultiFactorAuthRequired {
		return badRequest("INVALID_ATTRIBUTE", "multiFactorAuthRequired", "This server cannot require multi-factor authentication: its console signs in with a password only, so multiFactorAuthRequired is always false here and only false is accepted.")
	}
	if req.SecurityContact != nil && *req.SecurityContact != "" {
		return badRequest("INVALID_ATTRIBUTE", "securityContact", "This server cannot keep a security contact or notify one; only an empty securityContact is accepted.")
	}
	if req.RestrictEmployeeAccess == nil && req.GenAIFeaturesEnabled == nil {
		return badRequest("MISSING_ATTRIBUTE", "restrictEmployeeAccess", "Attribute restrictEmployeeAccess (true or false) is required, unless the request changes genAIFeaturesEnabled.")
	}
	st, err := s.store.SetOrgSettings(c.Request().Context(), actor(c), id,
		store.OrgSettingsChange{Block: req.RestrictEmployeeAccess, GenAIFeaturesEnabled: req.GenAIFeaturesEnabled})
	if err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, settingsOf(st))
}
