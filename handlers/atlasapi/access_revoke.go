package atlasapi

import (
	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
)

// RevokeAccess ends the grant in force; with none it changes nothing and
// still answers 204, so that a retry is safe.
func (h *Handler) RevokeAccess(c echo.Context, groupID, cluster string) error {
	if _, _, err := h.store.RevokeAccess(c.Request().Context(), httpx.Actor(c), groupID, cluster); err != nil {
		return err
	}
	return apiNoContent(c)
}
