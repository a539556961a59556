package models

import (
	"net/mail"
	"strings"
	"time"
)

// Session lifetimes: a session ends after this long without use, and after
// the absolute limit whatever its use.
const (
	SessionIdleTimeout     = 2 * time.Hour
	SessionAbsoluteTimeout = 12 * time.Hour
)

// NormalizeEmail trims and lower-cases an email address and checks its form.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return "", FieldError("email", "%q is not an email address.", s)
	}
	return s, nil
}

// SessionExpired reports whether a session has passed its idle or absolute
// limit at now.
func SessionExpired(ss Session, now time.Time) bool {
	return now.Sub(ss.LastSeen.Time()) >= SessionIdleTimeout || now.Sub(ss.CreatedAt.Time()) >= SessionAbsoluteTimeout
}
