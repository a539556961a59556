package atlasapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/models"
)

// OAuthToken answers POST /api/oauth/token: the client-credentials grant
// for service accounts.
func (h *Handler) OAuthToken(c echo.Context) error {
	if secretsInURL(c) {
		return refuseSecretsInURL(c)
	}
	if gt := c.FormValue("grant_type"); gt != "client_credentials" {
		return c.JSON(http.StatusBadRequest, oauthError{"unsupported_grant_type", "Only grant_type=client_credentials is supported."})
	}
	id, secret, ok := clientCredentials(c)
	if !ok {
		return invalidClient(c)
	}
	token, ttl, err := h.store.IssueAccessToken(c.Request().Context(), id, secret)
	if models.ErrorCode(err) == models.EUNAUTHORIZED {
		return invalidClient(c)
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set("Pragma", "no-cache")
	return c.JSON(http.StatusOK, map[string]any{"access_token": token, "token_type": "Bearer", "expires_in": int(ttl.Seconds())})
}
