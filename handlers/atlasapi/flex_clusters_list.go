package atlasapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
)

// FlexClustersList answers GET /groups/{groupId}/flexClusters (version
// 2024-11-13), which Terraform's plural cluster data source reads beside
// the clusters. This server has no flex clusters: an empty page, for a
// project the caller may see.
func (h *Handler) FlexClustersList(c echo.Context) error {
	id, err := pathID(c, "groupId", "INVALID_GROUP_ID")
	if err != nil {
		return err
	}
	q, err := parsePage(c)
	if err != nil {
		return err
	}
	if _, err := h.store.Project(c.Request().Context(), httpx.Principal(c), id); err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, slicePage(c, q, []struct{}{}))
}
