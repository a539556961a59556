package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
)

// handleError is the one error writer: Echo calls it with every error a
// handler or middleware returns, and no handler writes an error itself
// (httpx/errors.go says which kind of error to return when). Under /api/
// the answer has the API's error shape; elsewhere it is the console's
// error page. Internal errors are logged and shown as "Internal error."
// only, so that no stack trace or SQL reaches a client.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed || httpx.ClientGone(c, err) {
		return
	}
	if strings.HasPrefix(c.Request().URL.Path, "/api/") {
		s.writeAPIError(c, err)
		return
	}
	status, msg := http.StatusInternalServerError, "Internal error."
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		status, msg = he.Code, httpx.StatusMessage(he.Code)
	case models.ErrorCode(err) != models.EINTERNAL:
		status, msg = httpx.StatusOf(models.ErrorCode(err)), models.ErrorMessage(err)
	}
	if status >= 500 {
		s.log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	_ = s.console.ErrorPage(c, status, msg)
}

// writeAPIError answers err in the API's error shape: a problem as it
// says, a bare status with its errorCode, a domain error from the table
// (with the field of a 400), anything else as an internal error, logged.
func (s *Server) writeAPIError(c echo.Context, err error) {
	var p *httpx.Problem
	var he *echo.HTTPError
	switch {
	case errors.As(err, &p):
	case errors.As(err, &he):
		p = &httpx.Problem{Status: he.Code, Code: httpx.APICodeForStatus(he.Code), Detail: httpx.StatusMessage(he.Code)}
	default:
		status, code := httpx.APIStatusOf(models.ErrorCode(err))
		p = &httpx.Problem{Status: status, Code: code, Detail: models.ErrorMessage(err)}
		if status == http.StatusBadRequest {
			p.Field = models.ErrorField(err)
		}
		if status >= 500 {
			s.log.Error("api request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
		}
	}
	_ = httpx.WriteAPIBody(c, p.Status, "application/json", httpx.APIErrorOf(p))
}
