package atlasapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/models"
)

// OAuthRevoke answers POST /api/oauth/revoke (RFC 7009): the client ends
// one of its tokens. An unknown token gets the same 200.
func (h *Handler) OAuthRevoke(c echo.Context) error {
	if secretsInURL(c) {
		return refuseSecretsInURL(c)
	}
	id, secret, ok := clientCredentials(c)
	if !ok {
		return invalidClient(c)
	}
	token := c.Request().PostFormValue("token")
	if token == "" {
		return c.JSON(http.StatusBadRequest, oauthError{"invalid_request", "The form field token is required."})
	}
	err := h.store.RevokeAccessToken(c.Request().Context(), id, secret, token)
	if models.ErrorCode(err) == models.EUNAUTHORIZED {
		return invalidClient(c)
	}
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusOK)
}
