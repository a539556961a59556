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
// (form-encoded inside, as RFC 6749 section 2.3.1 says) or from the form
// body, never from the URL (RFC 6749 section 2.3.1 forbids it: URLs end
// up in logs and proxies' histories).
func clientCredentials(c echo.Context) (string, string, bool) {
	if id, secret, ok := c.Request().BasicAuth(); ok {
		return formUnescape(id), formUnescape(secret), true
	}
	id, secret := c.Request().PostFormValue("client_id"), c.Request().PostFormValue("client_secret")
	return id, secret, id != "" && secret != ""
}

// secretsInURL reports whether a request puts client credentials or a
// token in its URL: refused whatever else it sends, so that no client
// learns to.
func secretsInURL(c echo.Context) bool {
	q := c.Request().URL.Query()
	return q.Has("client_secret") || q.Has("client_id") || q.Has("token") || q.Has("access_token")
}

// refuseSecretsInURL answers a request for which secretsInURL holds.
func refuseSecretsInURL(c echo.Context) error {
	return c.JSON(http.StatusBadRequest, oauthError{"invalid_request", "Client credentials and tokens go in the Authorization header or the form body, never in the URL."})
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

// OAuthClientID is the client id a token request names, "" when it names
// none: what the token endpoints' rate limit counts by (handlers).
func OAuthClientID(c echo.Context) string {
	id, _, _ := clientCredentials(c)
	return id
}
