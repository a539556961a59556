package atlasapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
)

// AlertConfigToggle answers PATCH /groups/{groupId}/alertConfigs/{alertConfigId}
// with {"enabled": bool}: the alert enabled or disabled, and nothing else.
func (h *Handler) AlertConfigToggle(c echo.Context) error {
	gid, aid, err := alertIDs(c)
	if err != nil {
		return err
	}
	body, err := readBody(c)
	if err != nil {
		return err
	}
	var req struct {
		Enabled *bool `json:"enabled"`
	}
	if err := decodeStrict(body, &req); err != nil {
		return err
	}
	if req.Enabled == nil {
		return httpx.BadRequest("MISSING_ATTRIBUTE", "enabled", "Attribute enabled (true or false) is required.")
	}
	a, err := h.store.SetAlertConfigEnabled(c.Request().Context(), httpx.Actor(c), gid, aid, *req.Enabled)
	if err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, alertOut(c, a))
}
