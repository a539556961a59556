package models

import "strings"

// Passkey is a WebAuthn credential of a user, named by them. ID is the
// credential id (base64url); Credential is the library's record of it as
// JSON. SignCount is the authenticator's signature counter at its last
// use: an assertion with a counter not above it (when either is not zero)
// may come from a cloned authenticator and is refused.
type Passkey struct {
	ID         string `gorm:"primaryKey"`
	UserID     string
	Name       string
	Credential string
	SignCount  int64
	CreatedAt  Instant
	LastUsedAt Instant
}

// PasskeyNameMax bounds a passkey's name.
const PasskeyNameMax = 60

// ValidPasskeyName trims a passkey's name and checks it is there and not
// too long.
func ValidPasskeyName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > PasskeyNameMax {
		return "", FieldError("name", "Name the passkey (up to %d characters), so that you can tell it from others.", PasskeyNameMax)
	}
	return name, nil
}

// CounterRegressed reports whether an assertion's counter says the
// authenticator may be a clone: authenticators that count must count up.
// A counter of zero on both sides is an authenticator that does not count.
func CounterRegressed(stored, got uint32) bool {
	if stored == 0 && got == 0 {
		return false
	}
	return got <= stored
}

// ErrPasskeyCounter refuses an assertion whose signature counter did not
// go up: the passkey may have been copied.
func ErrPasskeyCounter() *Error {
	return Errorf(EUNAUTHORIZED, "This passkey's signature counter went backwards, which a copied key would do. It was refused: use another factor, and tell your security team.")
}
