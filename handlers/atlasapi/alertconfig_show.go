package atlasapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
)

// alertIDs reads the project and alert ids of an alert's path.
func alertIDs(c echo.Context) (groupID, alertID string, err error) {
	if groupID, err = pathID(c, "groupId", "INVALID_GROUP_ID"); err != nil {
		return "", "", err
	}
	alertID, err = pathID(c, "alertConfigId", "INVALID_ALERT_CONFIG_ID")
	return groupID, alertID, err
}

// AlertConfigShow answers GET /groups/{groupId}/alertConfigs/{alertConfigId}.
func (h *Handler) AlertConfigShow(c echo.Context) error {
	gid, aid, err := alertIDs(c)
	if err != nil {
		return err
	}
	a, err := h.store.AlertConfig(c.Request().Context(), httpx.Principal(c), gid, aid)
	if err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, alertOut(c, a))
}
