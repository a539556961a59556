package console

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/views"
)

// passwordChangeSource is the throttling source of a password change: the
// session itself, a device already logged in, so that guesses at the
// account from elsewhere do not block the owner's change.
func passwordChangeSource(c echo.Context) string {
	if ss, ok := httpx.Session(c); ok {
		return "session:" + models.SecretHash(ss.ID)
	}
	return ""
}

// PasswordChange checks the current password, sets the new one and ends
// every session of the user, on every replica; then asks them to log in.
func (h *Handler) PasswordChange(c echo.Context) error {
	ctx := c.Request().Context()
	pr := httpx.Principal(c)
	fail := func(err error) error {
		if models.ErrorCode(err) == models.EINTERNAL {
			return err
		}
		p := h.layout(c)
		p.Title = "Change password"
		return httpx.Render(c, httpx.StatusOf(models.ErrorCode(err)), views.PasswordPage(views.PasswordForm{Page: p, Error: models.ErrorMessage(err), Field: models.ErrorField(err)}))
	}
	if _, err := h.store.Login(ctx, pr.Name, c.FormValue("current"), c.RealIP(), passwordChangeSource(c)); err != nil {
		if models.ErrorCode(err) == models.EUNAUTHORIZED {
			err = models.FieldError("current", "The current password is not right.")
		}
		return fail(err)
	}
	if err := h.store.SetPassword(ctx, pr.ID, c.FormValue("new")); err != nil {
		return fail(err)
	}
	h.clearSessionCookie(c)
	return c.Redirect(http.StatusSeeOther, "/login")
}
