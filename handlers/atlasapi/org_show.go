package atlasapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
)

// apiOrgDetail is one organization as GET /orgs/{orgId} shows it.
// skipDefaultAlertsSettings is true because this server never creates
// default alert configurations for an organization.
type apiOrgDetail struct {
	apiOrg
	SkipDefaultAlertsSettings bool `json:"skipDefaultAlertsSettings"`
}

// OrgShow answers GET /orgs/{orgId}, which Terraform's organization
// resource reads before it changes the settings, and which every
// organization's self link names.
func (h *Handler) OrgShow(c echo.Context) error {
	id, err := pathID(c, "orgId", "INVALID_ORG_ID")
	if err != nil {
		return err
	}
	o, err := h.store.Org(c.Request().Context(), httpx.Principal(c), id)
	if err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, apiOrgDetail{
		apiOrg:                    apiOrg{ID: o.ID, Name: o.Name, Links: selfLinks(c, "/api/atlas/v2/orgs/"+o.ID)},
		SkipDefaultAlertsSettings: true,
	})
}
