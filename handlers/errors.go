package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"supportaccess/models"
	"supportaccess/views"
)

// statusOf maps a domain error code to its HTTP status, in one place.
func statusOf(code string) int {
	switch code {
	case models.EINVALID:
		return http.StatusUnprocessableEntity
	case models.ENOTFOUND:
		return http.StatusNotFound
	case models.EFORBIDDEN:
		return http.StatusForbidden
	case models.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case models.ECONFLICT:
		return http.StatusConflict
	case models.ETOOMANY:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// handleError is Echo's one error writer. Domain errors show their message;
// anything else is logged and shown as "Internal error" so that no stack
// trace or SQL reaches a browser.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, msg := http.StatusInternalServerError, "Internal error."
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		status = he.Code
		msg = http.StatusText(status) + "."
		if status == http.StatusNotFound {
			msg = "There is nothing at this address."
		}
	case models.ErrorCode(err) != models.EINTERNAL:
		status, msg = statusOf(models.ErrorCode(err)), models.ErrorMessage(err)
	}
	if status >= 500 {
		s.log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	if strings.HasPrefix(c.Request().URL.Path, "/api/") {
		_ = c.JSON(status, map[string]any{"detail": msg, "error": status, "errorCode": "UNEXPECTED_ERROR", "reason": http.StatusText(status)})
		return
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	_ = render(c, status, views.ErrorPage(s.layout(c), status, msg))
}
