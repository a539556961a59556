package models

import (
	"errors"
	"fmt"
)

// Error codes. Handlers map each to one HTTP status in one place.
const (
	EINVALID      = "invalid"      // the request is malformed or breaks a rule
	ENOTFOUND     = "not_found"    // missing, or not visible to the caller
	EFORBIDDEN    = "forbidden"    // visible, but the caller's role is too weak
	EUNAUTHORIZED = "unauthorized" // no or bad credentials
	ECONFLICT     = "conflict"     // a concurrent change won; the caller may retry
	ETOOMANY      = "too_many"     // throttled
	EINTERNAL     = "internal"     // anything else; never shown to users
)

// Error is a domain error with a code, a message fit for the user and the
// field it concerns, if any.
type Error struct {
	Code    string
	Message string
	Field   string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf builds a domain error.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrNoProject answers a project id that names nothing the caller may
// see: an unknown project and another's look the same.
func ErrNoProject() *Error { return Errorf(ENOTFOUND, "No project with that id.") }

// ErrNoOrg is ErrNoProject for an organization.
func ErrNoOrg() *Error { return Errorf(ENOTFOUND, "No organization with that id.") }

// FieldError builds an EINVALID error about one field.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of a domain error, or EINTERNAL for any other error.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of a domain error, or a
// generic text for internal errors so that no detail leaks.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorField returns the field a domain error concerns, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
