package console

import (
	"github.com/labstack/echo/v4"
)

// setFlash keeps a message for the next page (after a redirect).
func (h *Handler) setFlash(c echo.Context, msg string) {
	sess, _ := h.sessions.Get(c.Request(), "sa_flash")
	sess.Options.MaxAge = 60
	sess.Values["m"] = msg
	_ = sess.Save(c.Request(), c.Response())
}

// takeFlash reads and clears the message kept for this page.
func (h *Handler) takeFlash(c echo.Context) string {
	ck, err := c.Cookie("sa_flash")
	if err != nil || ck.Value == "" {
		return ""
	}
	sess, _ := h.sessions.Get(c.Request(), "sa_flash")
	msg, _ := sess.Values["m"].(string)
	sess.Options.MaxAge = -1
	_ = sess.Save(c.Request(), c.Response())
	return msg
}
