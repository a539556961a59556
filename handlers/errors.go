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

// handleError is the one error writer: Echo calls it with every error a
// handler or middleware returns. Handlers never write an error themselves;
// they return one of three kinds:
//   - a domain error (models.Errorf, models.FieldError), answered from
//     errorAnswers on every surface;
//   - on the APIs, an *apiProblem, for an errorCode of its own (a bad
//     query parameter, a refused media type, a missing credential);
//   - an *echo.HTTPError, for a bare status (no such route, wrong method,
//     too large a body), with the API errorCode of that status.
//
// Under /api/ the answer is the API's JSON shape (APIError); elsewhere the
// console's error page. Anything else is an internal error: logged, and
// shown as "Internal error." only, so that no stack trace or SQL reaches a
// client. (The OAuth token endpoints answer their own refusals in the
// shape of RFC 6749, which their clients read; see api_oauth.go.)
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed || clientGone(c, err) {
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
		status, msg = he.Code, httpErrorMessage(he.Code)
	case models.ErrorCode(err) != models.EINTERNAL:
		status, msg = statusOf(models.ErrorCode(err)), models.ErrorMessage(err)
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

// httpErrorMessage is what a bare HTTP status says to the client.
func httpErrorMessage(status int) string {
	if status == http.StatusNotFound {
		return "There is nothing at this address."
	}
	return http.StatusText(status) + "."
}

// writeAPIError answers err in the API's error shape: a problem as it
// says, a bare status with its errorCode, a domain error from
// errorAnswers (with the field of a 400), anything else as an internal
// error, logged.
func (s *Server) writeAPIError(c echo.Context, err error) {
	var p *apiProblem
	var he *echo.HTTPError
	switch {
	case errors.As(err, &p):
	case errors.As(err, &he):
		p = &apiProblem{status: he.Code, code: apiCodeForStatus(he.Code), detail: httpErrorMessage(he.Code)}
	default:
		status, code := apiStatusOf(models.ErrorCode(err))
		p = &apiProblem{status: status, code: code, detail: models.ErrorMessage(err)}
		if status == http.StatusBadRequest {
			p.field = models.ErrorField(err)
		}
		if status >= 500 {
			s.log.Error("api request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
		}
	}
	body := APIError{Detail: p.detail, Error: p.status, ErrorCode: p.code, Parameters: []any{}, Reason: http.StatusText(p.status)}
	if p.field != "" {
		body.BadRequestDetail = &BadRequestDetail{Fields: []FieldProblem{{Field: p.field, Description: p.detail}}}
	}
	_ = writeAPIBody(c, p.status, "application/json", body)
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
