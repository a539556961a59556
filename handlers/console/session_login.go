package console

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

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
	u, err := h.store.Login(ctx, email, password, c.RealIP(), h.knownDevice(c, email))
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
	if err := h.rememberDevice(c, u); err != nil {
		return err
	}
	// A user with a second factor, or one an organization requires, goes
	// on to it: a pending login, not yet a session (mfa_pending.go).
	stage, err := h.store.LoginStageOf(ctx, u.ID)
	if err != nil {
		return err
	}
	if stage != "" {
		if old, ok := httpx.Session(c); ok {
			_ = h.store.EndSession(ctx, old.ID)
			h.clearSessionCookie(c)
		}
		token, err := h.store.CreatePendingLogin(ctx, u.ID, stage, next, "")
		if err != nil {
			return err
		}
		if err := h.setPending(c, token); err != nil {
			return err
		}
		if stage == models.StageEnrol {
			return c.Redirect(http.StatusSeeOther, "/account/security")
		}
		return c.Redirect(http.StatusSeeOther, "/login/verify")
	}
	ss, err := h.store.CreateSession(ctx, u.ID)
	if err != nil {
		return err
	}
	if err := h.startSession(c, ss); err != nil {
		return err
	}
	// The answer carries the new session's CSRF token (handlers/csrf.go).
	httpx.SetSession(c, ss)
	if next == "" {
		next = "/"
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// safeNext keeps only a clean absolute path of this site, so that the
// login form cannot send people to another one. Browsers drop tabs and
// newlines and read a backslash as a slash, so "/\t/evil.example" is
// "//evil.example" to them: the path is judged after parsing and
// decoding, and refused if it could be read as anything but a path here.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return ""
	}
	decoded, err := url.PathUnescape(next)
	if err != nil || strings.HasPrefix(decoded, "//") || strings.HasPrefix(u.Path, "//") {
		return ""
	}
	for _, r := range decoded {
		if r == '\\' || unicode.IsControl(r) || r == utf8.RuneError {
			return ""
		}
	}
	return next
}
