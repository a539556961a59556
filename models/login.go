package models

import "time"

// Login throttling, in one place: an account is locked after
// LoginMaxAccountFailures failed logins within LoginFailureWindow, and an
// address after LoginMaxAddrFailures (higher, since offices share an address).
const (
	LoginFailureWindow      = 15 * time.Minute
	LoginMaxAccountFailures = 5
	LoginMaxAddrFailures    = 20
)

// LoginFailure is one failed login, kept for the throttling window. Rows
// live in the database so that every replica counts the same failures.
type LoginFailure struct {
	ID         string `gorm:"primaryKey"`
	Email      string
	RemoteAddr string
	At         Instant
}

// LoginThrottled reports whether another attempt must be refused, given
// the failures counted within the window.
func LoginThrottled(accountFailures, addrFailures int64) bool {
	return accountFailures >= LoginMaxAccountFailures || addrFailures >= LoginMaxAddrFailures
}
