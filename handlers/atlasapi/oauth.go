package atlasapi

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
