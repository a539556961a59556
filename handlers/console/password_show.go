package console

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/views"
)

// PasswordShow renders the change-password form.
func (h *Handler) PasswordShow(c echo.Context) error {
	p := h.layout(c)
	p.Title = "Change password"
	return httpx.Render(c, http.StatusOK, views.PasswordPage(views.PasswordForm{Page: p}))
}
