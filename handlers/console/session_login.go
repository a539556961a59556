package console

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/views"
)

// LoginShow renders the login form.
func (h *Handler) LoginShow(c echo.Context) error {
	if _, ok := httpx.LoggedIn(c); ok {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	p := h.layout(c)
	p.Title = "Log in"
	return httpx.Render(c, http.StatusOK, views.LoginPage(views.LoginForm{Page: p, Next: safeNext(c.QueryParam("next"))}))
}

// LoginSubmit checks the credentials and starts a new session: a fresh
// session id on every login, so that a planted cookie is worthless.
func (h *Handler) LoginSubmit(c echo.Context) error {
	ctx := c.Request().Context()
	email, password := c.FormValue("email"), c.FormValue("password")
	next := safeNext(c.FormValue("next"))
	u, err := h.store.Login(ctx, email, password, c.RealIP())
	if err != nil {
		if models.ErrorCode(err) == models.EINTERNAL {
			return err
		}
		if errors.Is(err, models.ErrBusy) {
			c.Response().Header().Set("Retry-After", "1")
		}
		p := h.layout(c)
		p.Title = "Log in"
		return httpx.Render(c, httpx.StatusOf(models.ErrorCode(err)), views.LoginPage(views.LoginForm{Page: p, Email: email, Next: next, Error: models.ErrorMessage(err)}))
	}
	if old, ok := httpx.Session(c); ok {
		_ = h.store.EndSession(ctx, old.ID)
	}
	ss, err := h.store.CreateSession(ctx, u.ID)
	if err != nil {
		return err
	}
	sess, _ := h.sessions.New(c.Request(), httpx.SessionCookie)
	sess.Values["sid"] = ss.ID
	if err := sess.Save(c.Request(), c.Response()); err != nil {
		return err
	}
	if next == "" {
		next = "/"
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// safeNext keeps only a local path, so that the login form cannot be used
// to send people to another site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return ""
	}
	return next
}
