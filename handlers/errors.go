package handlers

import (
	"context"
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
	if c.Response().Committed || clientGone(c, err) {
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
	if strings.HasPrefix(c.Request().URL.Path, "/api/") {
		if he != nil {
			_ = writeAPIStatus(c, he.Code, apiCodeForStatus(he.Code), msg)
			return
		}
		_ = s.writeAPIError(c, err)
		return
	}
	if status >= 500 {
		s.log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	p := s.layout(c)
	if pr, ok := c.Get(ctxPrincipal).(models.Principal); ok {
		// The Organizations menu still offers a way back.
		p.Orgs, _ = s.store.Orgs(c.Request().Context(), pr)
	}
	_ = render(c, status, views.ErrorPage(p, status, msg))
}

// apiCodeForStatus names the errorCode of a bare HTTP status.
func apiCodeForStatus(status int) string {
	switch status {
	case http.StatusNotFound:
		return "RESOURCE_NOT_FOUND"
	case http.StatusMethodNotAllowed:
		return "METHOD_NOT_ALLOWED"
	case http.StatusRequestEntityTooLarge:
		return "REQUEST_TOO_LARGE"
	case http.StatusUnauthorized:
		return "NOT_AUTHENTICATED"
	case http.StatusForbidden:
		return "USER_UNAUTHORIZED"
	case http.StatusBadRequest:
		return "INVALID_REQUEST"
	}
	return "UNEXPECTED_ERROR"
}

// clientGone reports whether a request failed only because its client
// went away: nobody is left to answer, and it is no server error.
func clientGone(c echo.Context, err error) bool {
	return errors.Is(err, context.Canceled) && c.Request().Context().Err() != nil
}
