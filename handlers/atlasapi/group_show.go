package atlasapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
)

// GroupShow answers GET /groups/{groupId}. The project and its cluster
// count come from the cluster list, which the store mostly keeps: one
// statement, and it refuses a project the caller may not see as Project does.
func (h *Handler) GroupShow(c echo.Context) error {
	id, err := pathID(c, "groupId", "INVALID_GROUP_ID")
	if err != nil {
		return err
	}
	l, err := h.store.ClusterList(c.Request().Context(), httpx.Principal(c), id)
	if err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, toAPIGroup(c, models.ProjectSummary{Project: l.Project, ClusterCount: len(l.Clusters)}))
}
