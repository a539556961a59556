package atlasapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models/store"
)

// apiSettings is an organization's settings as the Admin API shows them.
// Besides the block setting, the Atlas schema has four settings, which
// clients such as Terraform's organization resource read and send all of.
// genAIFeaturesEnabled is kept as sent (store.OrgSettings) though it has
// no effect here; multiFactorAuthRequired is the console's requirement of
// a second factor; the other two are shown with the values that hold on
// this server (no API access list, no security contact), since it cannot
// honour any other.
type apiSettings struct {
	APIAccessListRequired   bool   `json:"apiAccessListRequired"`
	MultiFactorAuthRequired bool   `json:"multiFactorAuthRequired"`
	RestrictEmployeeAccess  bool   `json:"restrictEmployeeAccess"`
	GenAIFeaturesEnabled    bool   `json:"genAIFeaturesEnabled"`
	SecurityContact         string `json:"securityContact"`
}

// settingsOf shows an organization's settings.
func settingsOf(st store.OrgSettings) apiSettings {
	return apiSettings{RestrictEmployeeAccess: st.Org.BlockSupportAccess, GenAIFeaturesEnabled: st.GenAIFeaturesEnabled, MultiFactorAuthRequired: st.MFARequired}
}

// SettingsShow answers GET /orgs/{orgId}/settings.
func (h *Handler) SettingsShow(c echo.Context) error {
	id, err := pathID(c, "orgId", "INVALID_ORG_ID")
	if err != nil {
		return err
	}
	st, err := h.store.OrgSettings(c.Request().Context(), httpx.Principal(c), id)
	if err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, settingsOf(st))
}
