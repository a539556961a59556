package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/models"
)

// How errors are answered, on every surface. A handler or middleware
// never writes an error itself; it returns one of three kinds, and the
// server's one error writer (handlers.Server.handleError) answers it:
//   - a domain error (models.Errorf, models.FieldError): its status and,
//     on the APIs, its errorCode come from errorAnswers below;
//   - on the APIs, a *Problem, for an errorCode of its own where the
//     table has none to give (a bad query parameter, a refused media
//     type, a missing credential);
//   - an *echo.HTTPError, for a bare status (no such route, a wrong
//     method, too large a body), with the errorCode of its status.
//
// Anything else is an internal error: logged, and shown as "Internal
// error." only. Under /api/ the answer has the API's error shape
// (APIError); elsewhere it is the console's error page. The one exception
// is the OAuth token endpoints, which answer their refusals themselves in
// the shape of RFC 6749, which their clients read.

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

// StatusOf is a domain error code's status on the console, for a form
// that re-renders itself with the error.
func StatusOf(code string) int {
	if a, ok := errorAnswers[code]; ok {
		return a.console
	}
	return http.StatusInternalServerError
}

// APIStatusOf is a domain error code's status and errorCode on the APIs.
func APIStatusOf(code string) (int, string) {
	if a, ok := errorAnswers[code]; ok {
		return a.api, a.apiCode
	}
	return http.StatusInternalServerError, "UNEXPECTED_ERROR"
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

// APICodeForStatus names the errorCode of a bare HTTP status (an unknown
// route, a wrong method, too large a body): a code of its own for 400,
// 405 and 413, else that of the domain error answered with the status.
func APICodeForStatus(status int) string {
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

// StatusMessage is what a bare HTTP status says to the client.
func StatusMessage(status int) string {
	if status == http.StatusNotFound {
		return "There is nothing at this address."
	}
	return http.StatusText(status) + "."
}

// ClientGone reports whether a request failed only because its client
// went away: nobody is left to answer, and it is no server error.
func ClientGone(c echo.Context, err error) bool {
	return errors.Is(err, context.Canceled) && c.Request().Context().Err() != nil
}
