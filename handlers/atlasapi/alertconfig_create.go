package atlasapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
)

// AlertConfigCreate answers POST /groups/{groupId}/alertConfigs: 201 with
// the new alert, or 400 naming the field that is wrong, nothing stored.
func (h *Handler) AlertConfigCreate(c echo.Context) error {
	gid, err := pathID(c, "groupId", "INVALID_GROUP_ID")
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
	a, err = h.store.CreateAlertConfig(c.Request().Context(), httpx.Actor(c), gid, a)
	if err != nil {
		return err
	}
	return apiOK(c, http.StatusCreated, alertOut(c, a))
}
