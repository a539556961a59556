package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
)

// securityHeaders sets the headers every answer carries. Scripts come only
// from our own origin (htmx is configured not to inject inline styles or
// evaluate code), and no page may be framed, so that a grant button can
// never be clickjacked.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if !strings.HasPrefix(c.Request().URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		// Over TLS (directly, or as a trusted proxy says), browsers are
		// told to use nothing else for a year: a later plain-HTTP link or
		// a stripping attacker cannot take them off it.
		if c.Scheme() == "https" {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		return next(c)
	}
}

// requestLog logs one structured line per request.
func (s *Server) requestLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		s.log.Info("request", "method", c.Request().Method, "path", c.Request().URL.Path,
			"status", c.Response().Status, "duration_ms", time.Since(start).Milliseconds(), "remote", c.RealIP())
		return nil
	}
}

// loadSession resumes the console session named by the cookie, if any, and
// puts the user's principal in the context.
func (s *Server) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if strings.HasPrefix(c.Request().URL.Path, "/api/") || strings.HasPrefix(c.Request().URL.Path, "/static/") {
			return next(c)
		}
		sid := s.sessionID(c)
		if sid == "" {
			return next(c)
		}
		ss, p, err := s.store.ResumeSession(c.Request().Context(), sid)
		if err != nil {
			if models.ErrorCode(err) == models.EINTERNAL {
				return err
			}
			return next(c)
		}
		httpx.SetSession(c, ss)
		httpx.SetPrincipal(c, p)
		return next(c)
	}
}

// requireLogin sends an anonymous visitor to the login page; an htmx
// request is told to load that page as a whole.
func requireLogin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, ok := httpx.LoggedIn(c); ok {
			return next(c)
		}
		target := "/login"
		if c.Request().Method == http.MethodGet {
			target += "?next=" + url.QueryEscape(c.Request().URL.RequestURI())
		}
		if httpx.IsPartial(c) {
			c.Response().Header().Set("HX-Redirect", target)
			return c.NoContent(http.StatusUnauthorized)
		}
		if c.Request().Method != http.MethodGet {
			return models.Errorf(models.EUNAUTHORIZED, "Your session has ended. Log in again.")
		}
		return c.Redirect(http.StatusSeeOther, target)
	}
}
