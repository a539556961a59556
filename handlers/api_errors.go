package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/models"
)

// APIError is the one JSON error shape of the Admin API and the support
// API, as the Atlas Administration API writes it.
type APIError struct {
	Detail           string            `json:"detail"`
	Error            int               `json:"error"`
	ErrorCode        string            `json:"errorCode"`
	Parameters       []any             `json:"parameters"`
	Reason           string            `json:"reason"`
	BadRequestDetail *BadRequestDetail `json:"badRequestDetail,omitempty"`
}

// BadRequestDetail names the fields a 400 is about.
type BadRequestDetail struct {
	Fields []FieldProblem `json:"fields"`
}

// FieldProblem is one field of a 400 and what is wrong with it.
type FieldProblem struct {
	Field       string `json:"field"`
	Description string `json:"description"`
}

// writeAPIError writes err in the API's error shape. Internal errors are
// logged and shown as "Internal error." only.
func (s *Server) writeAPIError(c echo.Context, err error) error {
	if clientGone(c, err) {
		return nil
	}
	status, code := apiStatusOf(models.ErrorCode(err))
	body := APIError{Detail: models.ErrorMessage(err), Error: status, ErrorCode: code, Parameters: []any{}, Reason: http.StatusText(status)}
	if f := models.ErrorField(err); f != "" && status == http.StatusBadRequest {
		body.BadRequestDetail = &BadRequestDetail{Fields: []FieldProblem{{Field: f, Description: body.Detail}}}
	}
	if status >= 500 {
		s.log.Error("api request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	return writeAPIBody(c, status, "application/json", body)
}

// writeAPIStatus writes an error of the API shape for a bare HTTP status
// (unknown route, wrong method, too large a body).
func writeAPIStatus(c echo.Context, status int, code, detail string) error {
	return writeAPIBody(c, status, "application/json", APIError{Detail: detail, Error: status, ErrorCode: code, Parameters: []any{}, Reason: http.StatusText(status)})
}
