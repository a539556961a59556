package atlasapi

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// FlexClustersList answers GET /groups/{groupId}/flexClusters (version
// 2024-11-13), which Terraform's plural cluster data source reads beside
// the clusters. This server has no flex clusters: an empty page, for a
// project the caller may see.
func (h *Handler) FlexClustersList(c echo.Context) error {
	if _, err := h.visibleGroup(c); err != nil {
		return err
	}
	q, err := parsePage(c)
	if err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, slicePage(c, q, []struct{}{}))
}
