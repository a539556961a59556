package supportapi

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"supportaccess/models"
)

// RequestShow answers GET /api/support/v1/access-requests/{requestId}:
// where the request stands, for any support employee (a case may change
// hands).
func (h *Handler) RequestShow(c echo.Context) error {
	ctx := c.Request().Context()
	r, err := h.store.Request(ctx, c.Param("requestId"))
	if err != nil {
		return err
	}
	g, err := h.store.GrantOfRequest(ctx, r)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, supportRequestJSON(r, g, models.At(h.store.Now())))
}

// RequestAction answers POST /api/support/v1/access-requests/{id}:cancel.
// Echo reads ':' as a parameter, so the route takes the whole segment and
// the action is split off here; any other action is unknown.
func (h *Handler) RequestAction(c echo.Context) error {
	seg := strings.NewReplacer("%3A", ":", "%3a", ":").Replace(c.Param("requestId"))
	id, action, ok := strings.Cut(seg, ":")
	if !ok {
		return echo.ErrMethodNotAllowed
	}
	if action != "cancel" {
		return echo.ErrNotFound
	}
	r, err := h.store.CancelRequest(c.Request().Context(), supportStaff(c), id, c.RealIP())
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, supportRequestJSON(r, nil, r.DecidedAt))
}
