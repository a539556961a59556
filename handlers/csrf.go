package handlers

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
)

// Cross-site request forgery. A state-changing console request must carry
// the token of its page (form field _csrf or header X-CSRF-Token), and:
//
//   - with a session, the token is an HMAC of the session's id under a key
//     of the server's: bound to that session, so that a token learned
//     elsewhere, or a cookie planted by a sibling subdomain ("cookie
//     tossing"), is worth nothing, and a new session (login) has a new one;
//   - without a session (the login form) it is a random double-submit
//     cookie, as before;
//   - a browser that says the request came from another site, even a
//     sibling of this one (Sec-Fetch-Site: cross-site or same-site), is
//     refused on unsafe methods whatever it carries, and one that says it
//     came from this origin (same-origin) needs no token: the header is
//     the browser's, not the page's (OWASP's fetch-metadata defence).
//
// The Admin and support APIs authenticate every request with Digest or
// bearer credentials, never a cookie, so they are exempt.

// csrfCookie carries the page's token to the browser: the anonymous
// double-submit value, or the session's bound token (read by scripts that
// talk to the console; the server never trusts it as proof by itself).
const csrfCookie = "sa_csrf"

// csrfKey derives the key of session-bound tokens from the cookie keys,
// so that every replica computes the same tokens; with no keys (a test
// server) a random one.
func csrfKey(sessionKeys [][]byte) []byte {
	if len(sessionKeys) == 0 || len(sessionKeys[0]) == 0 {
		k := make([]byte, 32)
		_, _ = rand.Read(k)
		return k
	}
	m := hmac.New(sha256.New, sessionKeys[0])
	m.Write([]byte("supportaccess csrf token key v1"))
	return m.Sum(nil)
}

// sessionCSRF is the token of the session with id sid.
func (s *Server) sessionCSRF(sid string) string {
	m := hmac.New(sha256.New, s.csrfKey)
	m.Write([]byte(sid))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// unsafeMethod reports whether method may change state (RFC 9110).
func unsafeMethod(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return false
	}
	return true
}

// errCSRF is the one answer to a forged or stale form.
var errCSRF = models.Errorf(models.EFORBIDDEN, "This form has expired or did not come from this site. Reload the page and try again.")

// csrf checks console requests as described above and gives the page its
// token (httpx.CSRFToken). It runs after loadSession.
func (s *Server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if strings.HasPrefix(r.URL.Path, "/api/") {
			return next(c)
		}
		var cookieToken string
		if ck, err := c.Cookie(csrfCookie); err == nil {
			cookieToken = ck.Value
		}
		expected := cookieToken
		if ss, ok := httpx.Session(c); ok {
			expected = s.sessionCSRF(ss.ID)
		} else if len(expected) < 32 {
			expected = models.RandomToken(32)
		}
		// Even a refusal renders a page whose forms need the token.
		httpx.SetCSRFToken(c, expected)
		res := c.Response()
		res.Header().Add(echo.HeaderVary, echo.HeaderCookie)
		res.Before(func() {
			// A login during this request made a new session: the
			// browser gets that session's token for its next form.
			tok := expected
			if ss, ok := httpx.Session(c); ok {
				tok = s.sessionCSRF(ss.ID)
			}
			if tok != cookieToken {
				c.SetCookie(&http.Cookie{Name: csrfCookie, Value: tok, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
				if c.Scheme() == "https" {
					secureSetCookies(res.Header()) // hostCookies' hook ran before this one
				}
			}
		})
		if unsafeMethod(r.Method) && !sameOriginOrToken(c, expected) {
			return errCSRF
		}
		return next(c)
	}
}

// sameOriginOrToken is the check of an unsafe request: a browser that
// says the request came from this very origin (Sec-Fetch-Site is set by
// the browser and no page can forge it) is believed; one that says
// another site, even a sibling subdomain, is refused; and anything else
// (an old browser, a script) must carry the session's token.
func sameOriginOrToken(c echo.Context, expected string) bool {
	switch c.Request().Header.Get("Sec-Fetch-Site") {
	case "same-origin":
		return true
	case "cross-site", "same-site":
		return false
	}
	got := c.Request().Header.Get("X-CSRF-Token")
	if got == "" {
		got = c.FormValue("_csrf")
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(expected)) == 1
}
