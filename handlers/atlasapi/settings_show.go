package atlasapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
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

// SettingsShow answers GET /orgs/{orgId}/settings.
func (h *Handler) SettingsShow(c echo.Context) error {
	id, err := pathID(c, "orgId", "INVALID_ORG_ID")
	if err != nil {
		return err
	}
	org, err := h.store.Org(c.Request().Context(), httpx.Principal(c), id)
	if err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, settingsOf(org))
}
