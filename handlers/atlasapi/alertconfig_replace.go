package atlasapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
)

// AlertConfigReplace answers PUT /groups/{groupId}/alertConfigs/{alertConfigId}:
// the whole alert as sent. A webhook sent back with the masked secret of
// an answer keeps its secret.
func (h *Handler) AlertConfigReplace(c echo.Context) error {
	gid, aid, err := alertIDs(c)
	if err != nil {
		return err
	}
	body, err := readBody(c)
	if err != nil {
		return err
	}
	a, err := alertIn(body)
	if err != nil {
		return err
	}
	a, err = h.store.ReplaceAlertConfig(c.Request().Context(), httpx.Actor(c), gid, aid, a)
	if err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, alertOut(c, a))
}
