package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"supportaccess/models"
	"supportaccess/views"
)

// loginShow renders the login form.
func (s *Server) loginShow(c echo.Context) error {
	if _, ok := c.Get(ctxPrincipal).(models.Principal); ok {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	p := s.layout(c)
	p.Title = "Log in"
	return render(c, http.StatusOK, views.LoginPage(views.LoginForm{Page: p, Next: safeNext(c.QueryParam("next"))}))
}

// loginSubmit checks the credentials and starts a new session: a fresh
// session id on every login, so that a planted cookie is worthless.
func (s *Server) loginSubmit(c echo.Context) error {
	ctx := c.Request().Context()
	email, password := c.FormValue("email"), c.FormValue("password")
	next := safeNext(c.FormValue("next"))
	u, err := s.store.Login(ctx, email, password, c.RealIP())
	if err != nil {
		if models.ErrorCode(err) == models.EINTERNAL {
			return err
		}
		p := s.layout(c)
		p.Title = "Log in"
		return render(c, statusOf(models.ErrorCode(err)), views.LoginPage(views.LoginForm{Page: p, Email: email, Next: next, Error: models.ErrorMessage(err)}))
	}
	if old, ok := c.Get(ctxSession).(models.Session); ok {
		_ = s.store.EndSession(ctx, old.ID)
	}
	ss, err := s.store.CreateSession(ctx, u.ID)
	if err != nil {
		return err
	}
	sess, _ := s.sessions.New(c.Request(), sessionCookie)
	sess.Values["sid"] = ss.ID
	if err := sess.Save(c.Request(), c.Response()); err != nil {
		return err
	}
	if next == "" {
		next = "/"
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// logout ends every session of the user on the server, so the cookie is
// refused by every replica even if a copy survives, and a session left
// open in another browser ends as well.
func (s *Server) logout(c echo.Context) error {
	if ss, ok := c.Get(ctxSession).(models.Session); ok {
		if err := s.store.EndUserSessions(c.Request().Context(), ss.UserID); err != nil {
			return err
		}
	}
	s.clearSessionCookie(c)
	return c.Redirect(http.StatusSeeOther, "/login")
}

// clearSessionCookie tells the browser to forget its session cookie.
func (s *Server) clearSessionCookie(c echo.Context) {
	sess, _ := s.sessions.New(c.Request(), sessionCookie)
	sess.Options.MaxAge = -1
	_ = sess.Save(c.Request(), c.Response())
}

// safeNext keeps only a local path, so that the login form cannot be used
// to send people to another site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return ""
	}
	return next
}
