package handlers

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"supportaccess/models"
)

// oauthError is an OAuth 2.0 error answer (RFC 6749 section 5.2). The
// token endpoints speak OAuth, so their clients (golang.org/x/oauth2 and
// the Atlas SDK) read this shape rather than the Admin API's.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// clientCredentials reads the client id and secret from HTTP Basic auth
// (form-encoded inside, as RFC 6749 section 2.3.1 says) or from the form.
func clientCredentials(c echo.Context) (string, string, bool) {
	if id, secret, ok := c.Request().BasicAuth(); ok {
		return formUnescape(id), formUnescape(secret), true
	}
	id, secret := c.FormValue("client_id"), c.FormValue("client_secret")
	return id, secret, id != "" && secret != ""
}

func formUnescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// invalidClient answers a failed client authentication.
func invalidClient(c echo.Context) error {
	c.Response().Header().Set("WWW-Authenticate", `Basic realm="`+models.DigestRealm+`"`)
	return c.JSON(http.StatusUnauthorized, oauthError{"invalid_client", "Unknown client or wrong client secret."})
}

// oauthToken answers POST /api/oauth/token: the client-credentials grant
// for service accounts.
func (s *Server) oauthToken(c echo.Context) error {
	if gt := c.FormValue("grant_type"); gt != "client_credentials" {
		return c.JSON(http.StatusBadRequest, oauthError{"unsupported_grant_type", "Only grant_type=client_credentials is supported."})
	}
	id, secret, ok := clientCredentials(c)
	if !ok {
		return invalidClient(c)
	}
	token, ttl, err := s.store.IssueAccessToken(c.Request().Context(), id, secret)
	if models.ErrorCode(err) == models.EUNAUTHORIZED {
		return invalidClient(c)
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set("Pragma", "no-cache")
	return c.JSON(http.StatusOK, map[string]any{"access_token": token, "token_type": "Bearer", "expires_in": int(ttl.Seconds())})
}

// oauthRevoke answers POST /api/oauth/revoke (RFC 7009): the client ends
// one of its tokens. An unknown token gets the same 200.
func (s *Server) oauthRevoke(c echo.Context) error {
	id, secret, ok := clientCredentials(c)
	if !ok {
		return invalidClient(c)
	}
	token := c.FormValue("token")
	if token == "" {
		return c.JSON(http.StatusBadRequest, oauthError{"invalid_request", "The form field token is required."})
	}
	err := s.store.RevokeAccessToken(c.Request().Context(), id, secret, token)
	if models.ErrorCode(err) == models.EUNAUTHORIZED {
		return invalidClient(c)
	}
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusOK)
}
