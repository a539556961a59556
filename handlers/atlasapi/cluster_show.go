package atlasapi

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
)

// ClusterShow answers GET /groups/{groupId}/clusters/{clusterName}. A
// ":action" suffix is only for POST, so GET on it is a wrong method.
func (h *Handler) ClusterShow(c echo.Context) error {
	if strings.Contains(c.Param("clusterName"), ":") {
		return echo.ErrMethodNotAllowed
	}
	id, err := pathID(c, "groupId", "INVALID_GROUP_ID")
	if err != nil {
		return err
	}
	name, err := pathClusterName(c.Param("clusterName"))
	if err != nil {
		return err
	}
	v, err := h.store.ClusterByName(c.Request().Context(), httpx.Principal(c), id, name)
	if err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, toAPICluster(c, v))
}
