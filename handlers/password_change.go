package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/models"
	"supportaccess/views"
)

// passwordShow renders the change-password form.
func (s *Server) passwordShow(c echo.Context) error {
	p := s.layout(c)
	p.Title = "Change password"
	return render(c, http.StatusOK, views.PasswordPage(views.PasswordForm{Page: p}))
}

// passwordChange checks the current password, sets the new one and ends
// every session of the user, on every replica; then asks them to log in.
func (s *Server) passwordChange(c echo.Context) error {
	ctx := c.Request().Context()
	pr := principal(c)
	fail := func(err error) error {
		if models.ErrorCode(err) == models.EINTERNAL {
			return err
		}
		p := s.layout(c)
		p.Title = "Change password"
		return render(c, statusOf(models.ErrorCode(err)), views.PasswordPage(views.PasswordForm{Page: p, Error: models.ErrorMessage(err), Field: models.ErrorField(err)}))
	}
	if _, err := s.store.Login(ctx, pr.Name, c.FormValue("current"), c.RealIP()); err != nil {
		if models.ErrorCode(err) == models.EUNAUTHORIZED {
			err = models.FieldError("current", "The current password is not right.")
		}
		return fail(err)
	}
	if err := s.store.SetPassword(ctx, pr.ID, c.FormValue("new")); err != nil {
		return fail(err)
	}
	s.clearSessionCookie(c)
	return c.Redirect(http.StatusSeeOther, "/login")
}
