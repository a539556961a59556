package atlasapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
)

// SettingsUpdate answers PATCH /orgs/{orgId}/settings: the block
// setting, which only an organization owner may change (models.SetBlock).
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
			return httpx.BadRequest("INVALID_ATTRIBUTE", fixed.name, "This console does not manage %s; it is always false here, and only false is accepted.", fixed.name)
		}
	}
	if req.SecurityContact != nil && *req.SecurityContact != "" {
		return httpx.BadRequest("INVALID_ATTRIBUTE", "securityContact", "This console does not keep a security contact; only an empty securityContact is accepted.")
	}
	if req.RestrictEmployeeAccess == nil {
		return httpx.BadRequest("MISSING_ATTRIBUTE", "restrictEmployeeAccess", "Attribute restrictEmployeeAccess (true or false) is required.")
	}
	org, err := h.store.SetBlock(c.Request().Context(), httpx.Actor(c), id, *req.RestrictEmployeeAccess)
	if err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, settingsOf(org))
}
