package atlasapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models/store"
)

// SettingsUpdate answers PATCH /orgs/{orgId}/settings: the block
// setting, the multi-factor requirement and the generative AI one, which only an organization owner may
// change (store.SetOrgSettings); a PATCH changes only those it names.
func (h *Handler) SettingsUpdate(c echo.Context) error {
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
		return httpx.BadRequest("INVALID_ATTRIBUTE", "apiAccessListRequired", "This server cannot require an API access list: it keeps none, so apiAccessListRequired is always false here and only false is accepted.")
	}
	if req.SecurityContact != nil && *req.SecurityContact != "" {
		return httpx.BadRequest("INVALID_ATTRIBUTE", "securityContact", "This server cannot keep a security contact or notify one; only an empty securityContact is accepted.")
	}
	if req.RestrictEmployeeAccess == nil && req.GenAIFeaturesEnabled == nil && req.MultiFactorAuthRequired == nil {
		return httpx.BadRequest("MISSING_ATTRIBUTE", "restrictEmployeeAccess", "Attribute restrictEmployeeAccess (true or false) is required, unless the request changes genAIFeaturesEnabled or multiFactorAuthRequired.")
	}
	st, err := h.store.SetOrgSettings(c.Request().Context(), httpx.Actor(c), id,
		store.OrgSettingsChange{Block: req.RestrictEmployeeAccess, GenAIFeaturesEnabled: req.GenAIFeaturesEnabled, MFARequired: req.MultiFactorAuthRequired})
	if err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, settingsOf(st))
}
