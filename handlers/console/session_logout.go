package console

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
)

// Logout ends every session of the user on the server, so the cookie is
// refused by every replica even if a copy survives, and a session left
// open in another browser ends as well.
func (h *Handler) Logout(c echo.Context) error {
	if ss, ok := httpx.Session(c); ok {
		if err := h.store.EndUserSessions(c.Request().Context(), ss.UserID); err != nil {
			return err
		}
	}
	h.clearSessionCookie(c)
	if err := h.clearPending(c); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/login")
}

// clearSessionCookie tells the browser to forget its session cookie.
func (h *Handler) clearSessionCookie(c echo.Context) {
	sess, _ := h.sessions.New(c.Request(), httpx.SessionCookie)
	sess.Options.MaxAge = -1
	_ = sess.Save(c.Request(), c.Response())
}
