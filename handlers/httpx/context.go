// Package httpx is what every surface of the server shares, below the
// routes: who the request is from, rendering whole bodies, the one table
// of error answers and the API's error shape. The handlers package (the
// routes, the middleware, the error writer) and each surface's package
// import it; it imports none of them.
package httpx

import (
	"github.com/labstack/echo/v4"

	"supportaccess/models"
)

// SessionCookie names the console's session cookie.
const SessionCookie = "sa_session"

const (
	ctxPrincipal = "principal"
	ctxSession   = "session"
)

// SetPrincipal records who the request is from: a console user (the
// session middleware) or an Admin API credential (its authentication),
// so that handlers and events treat them alike.
func SetPrincipal(c echo.Context, p models.Principal) { c.Set(ctxPrincipal, p) }

// Principal returns who the request is from, the zero principal when
// nobody has authenticated.
func Principal(c echo.Context) models.Principal {
	p, _ := c.Get(ctxPrincipal).(models.Principal)
	return p
}

// LoggedIn returns who the request is from, and whether anybody is.
func LoggedIn(c echo.Context) (models.Principal, bool) {
	p, ok := c.Get(ctxPrincipal).(models.Principal)
	return p, ok
}

// Actor is the principal with the request's address, for the activity feed.
func Actor(c echo.Context) models.Actor {
	return models.Actor{Principal: Principal(c), RemoteAddr: c.RealIP()}
}

// SetSession records the console session the request resumed.
func SetSession(c echo.Context, ss models.Session) { c.Set(ctxSession, ss) }

// Session returns the console session the request resumed, if any.
func Session(c echo.Context) (models.Session, bool) {
	ss, ok := c.Get(ctxSession).(models.Session)
	return ss, ok
}

// ctxCSRF holds the token of the request's page (handlers/csrf.go).
const ctxCSRF = "csrf"

// SetCSRFToken records the token the request's page gives its forms.
func SetCSRFToken(c echo.Context, token string) { c.Set(ctxCSRF, token) }

// CSRFToken returns the token console forms must carry.
func CSRFToken(c echo.Context) string {
	t, _ := c.Get(ctxCSRF).(string)
	return t
}
