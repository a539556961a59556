package models

import (
	"net/netip"
	"time"
)

// Login throttling, in one place. Failures are counted within
// LoginFailureWindow three ways:
//   - per account and source (an address, or a known device): each failure
//     past LoginFreeFailures doubles the wait before the next attempt, so
//     guessing from one place slows to a crawl while a typo costs nothing;
//   - per account, from unknown devices only: LoginMaxAccountFailures lock
//     the account to every browser that never logged in to it, which is
//     what a guesser from many addresses meets;
//   - per address, from unknown devices only: LoginMaxAddrFailures
//     (higher, since offices share an address) stop password spraying.
//
// A known device (a signed cookie from an earlier successful login to the
// account) meets only its own delays, so the owner can still log in while
// the account is under attack from elsewhere.
const (
	LoginFailureWindow      = 15 * time.Minute
	LoginFreeFailures       = 3
	LoginMaxAccountFailures = 5
	LoginMaxAddrFailures    = 20
)

// LoginFailure is one failed login, kept for the throttling window. Rows
// live in the database so that every replica counts the same failures.
// Device is the known device the attempt came from, "" for none.
type LoginFailure struct {
	ID         string `gorm:"primaryKey"`
	Email      string
	RemoteAddr string
	Device     string
	At         Instant
}

// LoginCounts are the failures counted for one attempt, within the window
// and before it.
type LoginCounts struct {
	Source, Account, Addr int64
	LastSource            Instant // the latest failure of the same source
}

// LoginDelay is how long after its latest failure a source waits once it
// has failed n times: nothing up to LoginFreeFailures, then 1 s, 2 s, 4 s,
// ... up to the window.
func LoginDelay(n int64) time.Duration {
	if n < LoginFreeFailures {
		return 0
	}
	if n-LoginFreeFailures >= 10 {
		return LoginFailureWindow
	}
	return min(time.Second<<(n-LoginFreeFailures), LoginFailureWindow)
}

// LoginRefused reports whether an attempt must be refused, and whether for
// the account or address limits (locked) rather than its source's delay.
func LoginRefused(c LoginCounts, knownDevice bool, now time.Time) (refused, locked bool) {
	if !knownDevice && (c.Account >= LoginMaxAccountFailures || c.Addr >= LoginMaxAddrFailures) {
		return true, true
	}
	return now.Before(c.LastSource.Time().Add(LoginDelay(c.Source))), false
}

// LoginSource is the address a failure is counted under: an IPv4 address
// itself, an IPv6 one by its /64, since one subscriber is routinely given
// a whole /64 and could otherwise take a fresh address for every guess.
func LoginSource(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil || ip.Unmap().Is4() {
		return addr
	}
	p, err := ip.Prefix(64)
	if err != nil {
		return addr
	}
	return p.String()
}

// LoginLock is an account whose logins are locked until a moment, after
// too many failures from everywhere (LoginMaxAccountFailures).
type LoginLock struct {
	Email string
	Until Instant
}

// CanUnlockLogins says whether p may lift the login locks of the members
// of organization orgID: its owners, who know their people, may.
func CanUnlockLogins(p Principal, orgID string) bool { return p.OrgRoles[orgID] == OrgOwner }
