package handlers

import (
	"fmt"
	"net/http"
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

// apiProblem is an API error with an errorCode of its own, where the
// domain error table has none to give: a bad query parameter, a refused
// media type, a missing credential. Handlers return it; handleError
// writes it.
type apiProblem struct {
	status int
	code   string
	field  string // of a 400, the field or parameter it is about
	detail string
}

func (p *apiProblem) Error() string { return p.code + ": " + p.detail }

// problem is an API error of a status and errorCode.
func problem(status int, code, detail string) error {
	return &apiProblem{status: status, code: code, detail: detail}
}

// badRequest is a 400 about one field or query parameter.
func badRequest(code, field, format string, args ...any) error {
	return &apiProblem{status: http.StatusBadRequest, code: code, field: field, detail: fmt.Sprintf(format, args...)}
}
