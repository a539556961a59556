package console

import (
	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/views"
)

// ErrorPage answers a failed console request: the status and what it
// means for the user, in the layout. The server's error writer calls it
// (handlers/errors.go); the Organizations menu still offers a way back.
func (h *Handler) ErrorPage(c echo.Context, status int, msg string) error {
	p := h.layout(c)
	if pr, ok := httpx.LoggedIn(c); ok {
		p.Orgs, _ = h.store.Orgs(c.Request().Context(), pr)
	}
	return httpx.Render(c, status, views.ErrorPage(p, status, msg))
}
