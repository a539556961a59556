package supportapi

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
)

const (
	ctxSupportStaff = "supportStaff"
	ctxSupportToken = "supportToken"
)

// RequireStaff admits a request only with a valid support bearer
// token. Support employees are never console users: a session cookie is
// not looked at here (the session middleware skips /api/), so a request that carries
// only a cookie is refused like an anonymous one.
func (h *Handler) RequireStaff(next echo.HandlerFunc) echo.HandlerFunc {
	return RequireBearer(func(c echo.Context) error {
		st, err := h.store.SupportStaffByToken(c.Request().Context(), supportToken(c))
		if err != nil {
			return supportAuthError(c, err)
		}
		c.Set(ctxSupportStaff, st)
		return next(c)
	})
}

// RequireBearer lets through a request that carries a bearer token,
// not yet checked: the access decision checks it in its own transaction.
func RequireBearer(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token, ok := supportBearerToken(c.Request())
		if !ok {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="support"`)
			return httpx.NewProblem(http.StatusUnauthorized, "NOT_AUTHENTICATED", "A support bearer token is required: Authorization: Bearer <token>.")
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

// supportToken is the bearer token RequireBearer found.
func supportToken(c echo.Context) string {
	t, _ := c.Get(ctxSupportToken).(string)
	return t
}

// supportBearerToken reads the token of an "Authorization: Bearer" header.
func supportBearerToken(r *http.Request) (string, bool) {
	scheme, token := httpx.Authorization(r)
	return token, strings.EqualFold(scheme, "Bearer") && token != ""
}

// supportStaff returns the support employee the request authenticated as.
func supportStaff(c echo.Context) models.SupportStaff {
	st, _ := c.Get(ctxSupportStaff).(models.SupportStaff)
	return st
}
