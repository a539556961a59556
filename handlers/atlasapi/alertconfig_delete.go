package atlasapi

import (
	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
)

// AlertConfigDelete answers DELETE /groups/{groupId}/alertConfigs/{alertConfigId}: 204.
func (h *Handler) AlertConfigDelete(c echo.Context) error {
	gid, aid, err := alertIDs(c)
	if err != nil {
		return err
	}
	if err := h.store.DeleteAlertConfig(c.Request().Context(), httpx.Actor(c), gid, aid); err != nil {
		return err
	}
	return apiNoContent(c)
}
