package httpx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
)

// Problem is an API error with an errorCode of its own, where the domain
// error table has none to give (errors.go says when to use which).
// Handlers return it; the server's error writer writes it as an APIError.
type Problem struct {
	Status int
	Code   string
	Field  string // of a 400, the field or parameter it is about
	Detail string
}

func (p *Problem) Error() string { return p.Code + ": " + p.Detail }

// NewProblem is an API error of a status and errorCode.
func NewProblem(status int, code, detail string) error {
	return &Problem{Status: status, Code: code, Detail: detail}
}

// BadRequest is a 400 about one field or query parameter.
func BadRequest(code, field, format string, args ...any) error {
	return &Problem{Status: http.StatusBadRequest, Code: code, Field: field, Detail: fmt.Sprintf(format, args...)}
}

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

// APIErrorOf is a problem in the API's error shape.
func APIErrorOf(p *Problem) APIError {
	body := APIError{Detail: p.Detail, Error: p.Status, ErrorCode: p.Code, Parameters: []any{}, Reason: http.StatusText(p.Status)}
	if p.Field != "" {
		body.BadRequestDetail = &BadRequestDetail{Fields: []FieldProblem{{Field: p.Field, Description: p.Detail}}}
	}
	return body
}

// WriteAPIBody writes an API body, indented with ?pretty=true and wrapped
// as {"status", "content"} with HTTP 200 under ?envelope=true. A 401 is
// never wrapped: Digest clients must see it to answer the challenge.
func WriteAPIBody(c echo.Context, status int, contentType string, body any) error {
	if c.QueryParam("envelope") == "true" && status != http.StatusUnauthorized {
		body = map[string]any{"status": status, "content": body}
		status = http.StatusOK
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // links carry '&'; the body is JSON, never HTML
	if c.QueryParam("pretty") == "true" {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(body); err != nil {
		return err
	}
	return WriteBody(c, status, contentType, buf.Bytes())
}
