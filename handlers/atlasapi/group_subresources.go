package atlasapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
)

// What Terraform's project data source reads besides the project, answered
// with what holds on this server (version 2023-01-01): no teams, no
// limits, none of the Atlas project features, no cluster addresses. Each
// answers only for a project the caller may see, and 404 otherwise.

// apiTeamRole is a team's roles in a project; there are no teams here.
type apiTeamRole struct {
	TeamID    string    `json:"teamId"`
	RoleNames []string  `json:"roleNames"`
	Links     []apiLink `json:"links"`
}

// apiGroupSettings are a project's feature switches. The provider reads
// every one of them without checking that it is there, so all are always
// sent; this server offers none of these features, so all are false.
type apiGroupSettings struct {
	IsCollectDatabaseSpecificsStatisticsEnabled     bool `json:"isCollectDatabaseSpecificsStatisticsEnabled"`
	IsDataExplorerEnabled                           bool `json:"isDataExplorerEnabled"`
	IsDataExplorerGenAIFeaturesEnabled              bool `json:"isDataExplorerGenAIFeaturesEnabled"`
	IsDataExplorerGenAISampleDocumentPassingEnabled bool `json:"isDataExplorerGenAISampleDocumentPassingEnabled"`
	IsExtendedStorageSizesEnabled                   bool `json:"isExtendedStorageSizesEnabled"`
	IsPerformanceAdvisorEnabled                     bool `json:"isPerformanceAdvisorEnabled"`
	IsRealtimePerformancePanelEnabled               bool `json:"isRealtimePerformancePanelEnabled"`
	IsSchemaAdvisorEnabled                          bool `json:"isSchemaAdvisorEnabled"`
}

// apiGroupIPAddresses are the addresses a project's clusters use; the
// clusters here are records, not servers, and have none.
type apiGroupIPAddresses struct {
	GroupID  string `json:"groupId"`
	Services struct {
		Clusters []apiClusterIPAddresses `json:"clusters"`
	} `json:"services"`
}

// apiClusterIPAddresses is one cluster's addresses in apiGroupIPAddresses.
type apiClusterIPAddresses struct {
	ClusterName string   `json:"clusterName"`
	Inbound     []string `json:"inbound"`
	Outbound    []string `json:"outbound"`
}

// visibleGroup reads the groupId of the path and the project it names, if
// the caller may see it.
func (h *Handler) visibleGroup(c echo.Context) (models.Project, error) {
	id, err := pathID(c, "groupId", "INVALID_GROUP_ID")
	if err != nil {
		return models.Project{}, err
	}
	return h.store.Project(c.Request().Context(), httpx.Principal(c), id)
}

// GroupTeams answers GET /groups/{groupId}/teams: an empty page.
func (h *Handler) GroupTeams(c echo.Context) error {
	q, err := parsePage(c)
	if err != nil {
		return err
	}
	if _, err := h.visibleGroup(c); err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, slicePage(c, q, []apiTeamRole{}))
}

// GroupLimits answers GET /groups/{groupId}/limits. Atlas answers a
// bare array of the limits set on the project, not a page; none are set.
func (h *Handler) GroupLimits(c echo.Context) error {
	if _, err := h.visibleGroup(c); err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, []struct{}{})
}

// GroupSettingsShow answers GET /groups/{groupId}/settings.
func (h *Handler) GroupSettingsShow(c echo.Context) error {
	if _, err := h.visibleGroup(c); err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, apiGroupSettings{})
}

// GroupIPAddressesShow answers GET /groups/{groupId}/ipAddresses.
func (h *Handler) GroupIPAddressesShow(c echo.Context) error {
	pr, err := h.visibleGroup(c)
	if err != nil {
		return err
	}
	out := apiGroupIPAddresses{GroupID: pr.ID}
	out.Services.Clusters = []apiClusterIPAddresses{}
	return apiOK(c, http.StatusOK, out)
}

// GroupManagedSlowMs answers GET /groups/{groupId}/managedSlowMs: a
// bare JSON boolean in Atlas, false here, where no Performance Advisor
// sets a slow-operation threshold.
func (h *Handler) GroupManagedSlowMs(c echo.Context) error {
	if _, err := h.visibleGroup(c); err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, false)
}
