package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"supportaccess/models"
	"supportaccess/views"
)

// errorAnswers says, in one place, how each domain error code is
// answered: its HTTP status on the console, its status and errorCode on
// the APIs. The APIs answer a validation failure with 400, as the Atlas
// Administration API does; the console re-renders the form with 422.
// Anything else is an internal error.
var errorAnswers = map[string]struct {
	console, api int
	apiCode      string
}{
	models.EINVALID:      {http.StatusUnprocessableEntity, http.StatusBadRequest, "INVALID_ATTRIBUTE"},
	models.ENOTFOUND:     {http.StatusNotFound, http.StatusNotFound, "RESOURCE_NOT_FOUND"},
	models.EFORBIDDEN:    {http.StatusForbidden, http.StatusForbidden, "USER_UNAUTHORIZED"},
	models.EUNAUTHORIZED: {http.StatusUnauthorized, http.StatusUnauthorized, "NOT_AUTHENTICATED"},
	models.ECONFLICT:     {http.StatusConflict, http.StatusConflict, "CONFLICT"},
	models.ETOOMANY:      {http.StatusTooManyRequests, http.StatusTooManyRequests, "RATE_LIMITED"},
}

// statusOf is a domain error code's status on the console.
func statusOf(code string) int {
	if a, ok := errorAnswers[code]; ok {
		return a.console
	}
	return http.StatusInternalServerError
}

// apiStatusOf is a domain error code's status and errorCode on the APIs.
func apiStatusOf(code string) (int, string) {
	if a, ok := errorAnswers[code]; ok {
		return a.api, a.apiCode
	}
	return http.StatusInternalServerError, "UNEXPECTED_ERROR"
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

// apiCodeOfStatus is the API errorCode of each status in errorAnswers,
// for a bare HTTP status. Two codes answered with one status would make
// it ambiguous, so that is refused at start.
var apiCodeOfStatus = func() map[int]string {
	m := map[int]string{}
	for _, a := range errorAnswers {
		if _, dup := m[a.api]; dup {
			panic(fmt.Sprintf("two error codes answer %d on the API", a.api))
		}
		m[a.api] = a.apiCode
	}
	return m
}()

// apiCodeForStatus names the errorCode of a bare HTTP status (an unknown
// route, a wrong method, too large a body): a code of its own for 400,
// 405 and 413, else that of the domain error answered with the status.
func apiCodeForStatus(status int) string {
	switch status {
	case http.StatusMethodNotAllowed:
		return "METHOD_NOT_ALLOWED"
	case http.StatusRequestEntityTooLarge:
		return "REQUEST_TOO_LARGE"
	case http.StatusBadRequest:
		return "INVALID_REQUEST"
	}
	if code, ok := apiCodeOfStatus[status]; ok {
		return code
	}
	return "UNEXPECTED_ERROR"
}

// clientGone reports whether a request failed only because its client
// went away: nobody is left to answer, and it is no server error.
func clientGone(c echo.Context, err error) bool {
	return errors.Is(err, context.Canceled) && c.Request().Context().Err() != nil
}
