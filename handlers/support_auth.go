package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"supportaccess/models"
)

const (
	ctxSupportStaff = "supportStaff"
	ctxSupportToken = "supportToken"
)

// requireSupportStaff admits a request only with a valid support bearer
// token. Support employees are never console users: a session cookie is
// not looked at here (loadSession skips /api/), so a request that carries
// only a cookie is refused like an anonymous one.
func (s *Server) requireSupportStaff(next echo.HandlerFunc) echo.HandlerFunc {
	return requireSupportBearer(func(c echo.Context) error {
		st, err := s.store.SupportStaffByToken(c.Request().Context(), supportToken(c))
		if err != nil {
			return supportAuthError(c, err)
		}
		c.Set(ctxSupportStaff, st)
		return next(c)
	})
}

// requireSupportBearer lets through a request that carries a bearer token,
// not yet checked: the access decision checks it in its own transaction.
func requireSupportBearer(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token, ok := supportBearerToken(c.Request())
		if !ok {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="support"`)
			return problem(http.StatusUnauthorized, "NOT_AUTHENTICATED", "A support bearer token is required: Authorization: Bearer <token>.")
		}
		c.Set(ctxSupportToken, token)
		return next(c)
	}
}

// supportAuthError is an error met while checking a support token,
// telling the client when the token itself is the problem.
func supportAuthError(c echo.Context, err error) error {
	if models.ErrorCode(err) == models.EUNAUTHORIZED {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="support", error="invalid_token"`)
	}
	return err
}

// supportToken is the bearer token requireSupportBearer found.
func supportToken(c echo.Context) string {
	t, _ := c.Get(ctxSupportToken).(string)
	return t
}

// supportBearerToken reads the token of an "Authorization: Bearer" header.
func supportBearerToken(r *http.Request) (string, bool) {
	scheme, token := authorization(r)
	return token, strings.EqualFold(scheme, "Bearer") && token != ""
}

// authorization splits a request's Authorization header into its scheme
// and its credentials, for the Admin API and the support API alike.
func authorization(r *http.Request) (scheme, credentials string) {
	scheme, rest, _ := strings.Cut(strings.TrimLeft(r.Header.Get("Authorization"), " "), " ")
	return scheme, strings.TrimSpace(rest)
}

// supportStaff returns the support employee the request authenticated as.
func supportStaff(c echo.Context) models.SupportStaff {
	st, _ := c.Get(ctxSupportStaff).(models.SupportStaff)
	return st
}
