package console

import (
	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
)

// RevokeSubmit ends the grant in force at once.
func (h *Handler) RevokeSubmit(c echo.Context) error {
	revoked, cv, err := h.store.RevokeAccess(c.Request().Context(), httpx.Actor(c), c.Param("groupId"), c.Param("clusterName"))
	if err != nil {
		return err
	}
	msg := "Revoked temporary infrastructure access to " + cv.Name + "."
	if !revoked {
		msg = "There was no temporary access in force on " + cv.Name + "; nothing changed."
	}
	return h.actionDone(c, h.row(c, cv), msg)
}
