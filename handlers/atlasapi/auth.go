package atlasapi

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
)

// Auth authenticates an Admin API request by HTTP Digest (API keys) or
// a bearer token (service accounts) and puts the principal where the
// console puts a user's, so that handlers and events treat them alike.
func (h *Handler) Auth(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		scheme, credentials := httpx.Authorization(c.Request())
		var p models.Principal
		var err error
		switch {
		case strings.EqualFold(scheme, "Bearer"):
			p, err = h.store.TokenPrincipal(c.Request().Context(), credentials)
			if models.ErrorCode(err) == models.EUNAUTHORIZED {
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="`+models.DigestRealm+`", error="invalid_token"`)
				return httpx.NewProblem(http.StatusUnauthorized, "NOT_AUTHENTICATED", models.ErrorMessage(err))
			}
		case strings.EqualFold(scheme, "Digest"):
			var stale bool
			p, stale, err = h.verifyDigest(c, c.Request().Header.Get("Authorization"))
			if models.ErrorCode(err) == models.EUNAUTHORIZED {
				return h.challenge(c, models.ErrorMessage(err), stale)
			}
		default:
			return h.challenge(c, "Authenticate with an API key (HTTP Digest) or a service account's bearer token.", false)
		}
		if err != nil {
			return err
		}
		httpx.SetPrincipal(c, p)
		return next(c)
	}
}

// challenge answers 401 with a fresh nonce, offering MD5 first (what curl
// and the Atlas SDK pick, as they take the first challenge) and SHA-256.
func (h *Handler) challenge(c echo.Context, detail string, stale bool) error {
	nonce, err := h.newNonce(c.Request().Context())
	if err != nil {
		return err
	}
	extra := ""
	if stale {
		extra = ", stale=true"
	}
	for _, alg := range []string{"MD5", "SHA-256"} {
		c.Response().Header().Add("WWW-Authenticate", fmt.Sprintf(`Digest realm="%s", domain="/api/atlas/v2", nonce="%s", algorithm=%s, qop="auth"%s`,
			models.DigestRealm, nonce, alg, extra))
	}
	return httpx.NewProblem(http.StatusUnauthorized, "NOT_AUTHENTICATED", detail)
}
