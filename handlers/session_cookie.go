package handlers

import (
	"crypto/sha256"
	"sync"
	"time"

	"supportaccess/handlers/httpx"

	"github.com/labstack/echo/v4"
)

// Decoding the session cookie (its MAC, its decryption and gorilla's gob
// encoding, which builds a decoder for every cookie) cost about a tenth of
// the CPU of a console page. A browser sends the same cookie on every
// request of its session, so the id a cookie was verified to carry is kept
// by the cookie's exact value for a while. Only a value the codecs
// accepted is kept, and the session it names is still read from the
// database on every request: a logout, a password change or an expiry
// ends it at once, kept or not.

// Bounds of the kept cookies: how long one is trusted without decoding it
// again, and how many are kept (past that all are dropped).
const (
	verifiedCookieTTL = 5 * time.Minute
	maxVerifiedCookie = 10000
)

// verifiedCookies maps a session cookie's value, by its SHA-256 (a value
// may be kilobytes), to the session id it carries. Safe for concurrent
// use.
type verifiedCookies struct {
	mu sync.Mutex
	m  map[[sha256.Size]byte]verifiedCookie
}

type verifiedCookie struct {
	sid string
	at  time.Time // when it was decoded
}

// sessionID returns the session id the request's session cookie carries,
// "" when there is none or the cookie does not verify.
func (s *Server) sessionID(c echo.Context) string {
	ck, err := c.Cookie(httpx.SessionCookie)
	if err != nil || ck.Value == "" {
		return ""
	}
	now := s.store.Now()
	key := sha256.Sum256([]byte(ck.Value))
	s.cookies.mu.Lock()
	v, ok := s.cookies.m[key]
	s.cookies.mu.Unlock()
	if ok && now.Sub(v.at) < verifiedCookieTTL && !now.Before(v.at) {
		return v.sid
	}
	sess, err := s.sessions.Get(c.Request(), httpx.SessionCookie)
	sid, _ := sess.Values["sid"].(string)
	if err != nil || sid == "" {
		return ""
	}
	s.cookies.mu.Lock()
	if s.cookies.m == nil || len(s.cookies.m) >= maxVerifiedCookie {
		s.cookies.m = make(map[[sha256.Size]byte]verifiedCookie)
	}
	s.cookies.m[key] = verifiedCookie{sid: sid, at: now}
	s.cookies.mu.Unlock()
	return sid
}
