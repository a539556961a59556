package atlasapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
)

// AlertConfigsList answers GET /groups/{groupId}/alertConfigs: a page of
// the project's alert configurations.
func (h *Handler) AlertConfigsList(c echo.Context) error {
	id, err := pathID(c, "groupId", "INVALID_GROUP_ID")
	if err != nil {
		return err
	}
	q, err := parsePage(c)
	if err != nil {
		return err
	}
	all, err := h.store.AlertConfigs(c.Request().Context(), httpx.Principal(c), id)
	if err != nil {
		return err
	}
	out := make([]apiAlertConfig, len(all))
	for i, a := range all {
		out[i] = alertOut(c, a)
	}
	return apiOK(c, http.StatusOK, slicePage(c, q, out))
}
