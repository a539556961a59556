package atlasapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
)

// apiProcessArgs is a cluster's advanced configuration (version
// 2024-08-05). Every field of the Atlas schema is optional, and this
// server runs no mongod whose options it could report, so it names none:
// an empty object, which says "the defaults" and nothing untrue.
type apiProcessArgs struct{}

// ProcessArgsShow answers GET /groups/{groupId}/clusters/{clusterName}/processArgs,
// read by Terraform's cluster data sources. The cluster must exist and be
// visible, as for the cluster itself.
func (h *Handler) ProcessArgsShow(c echo.Context) error {
	id, err := pathID(c, "groupId", "INVALID_GROUP_ID")
	if err != nil {
		return err
	}
	name, err := pathClusterName(c.Param("clusterName"))
	if err != nil {
		return err
	}
	if _, err := h.store.ClusterByName(c.Request().Context(), httpx.Principal(c), id, name); err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, apiProcessArgs{})
}
