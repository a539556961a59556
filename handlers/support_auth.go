package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"supportaccess/models"
)

const ctxSupportStaff = "supportStaff"

// requireSupportStaff admits a request only with a valid support bearer
// token. Support employees are never console users: a session cookie is
// not looked at here (loadSession skips /api/), so a request that carries
// only a cookie is refused like an anonymous one.
func (s *Server) requireSupportStaff(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token, ok := supportBearerToken(c.Request())
		if !ok {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="support"`)
			return writeAPIStatus(c, http.StatusUnauthorized, "NOT_AUTHENTICATED", "A support bearer token is required: Authorization: Bearer <token>.")
		}
		st, err := s.store.SupportStaffByToken(c.Request().Context(), token)
		if err != nil {
			if models.ErrorCode(err) == models.EUNAUTHORIZED {
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="support", error="invalid_token"`)
			}
			return s.writeAPIError(c, err)
		}
		c.Set(ctxSupportStaff, st)
		return next(c)
	}
}

// supportBearerToken reads the token of an "Authorization: Bearer" header.
func supportBearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, token, found := strings.Cut(h, " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// supportStaff returns the support employee the request authenticated as.
func supportStaff(c echo.Context) models.SupportStaff {
	st, _ := c.Get(ctxSupportStaff).(models.SupportStaff)
	return st
}
