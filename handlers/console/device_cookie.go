package console

import (
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"supportaccess/models"
)

// The known-device cookie: set after a successful login, it names the
// account and a random device id, signed with the session keys. A login
// to that account from that browser meets only its own throttling delays,
// so that guesses from elsewhere cannot lock the owner out
// (models/login.go).
const (
	deviceCookie = "sa_device"
	// DeviceCookieMaxAge is how long a browser stays known after its last
	// successful login.
	DeviceCookieMaxAge = 90 * 24 * time.Hour
)

// NewDeviceCookies makes the signer of the known-device cookie from the
// session keys: its own store, since its lifetime (and the age past which
// the codecs refuse it) is far longer than a session's.
func NewDeviceCookies(keys ...[]byte) *sessions.CookieStore {
	ds := sessions.NewCookieStore(keys...)
	ds.Options = &sessions.Options{Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode}
	ds.MaxAge(int(DeviceCookieMaxAge.Seconds()))
	return ds
}

// knownDevice returns the device id this browser's cookie names for email,
// "" when it has none for that account or the cookie does not verify.
func (h *Handler) knownDevice(c echo.Context, email string) string {
	if h.devices == nil {
		return ""
	}
	if ck, err := c.Cookie(deviceCookie); err != nil || ck.Value == "" {
		return ""
	}
	sess, err := h.devices.Get(c.Request(), deviceCookie)
	if err != nil {
		return ""
	}
	known, _ := sess.Values["email"].(string)
	id, _ := sess.Values["id"].(string)
	if id == "" || known != strings.ToLower(strings.TrimSpace(email)) {
		return ""
	}
	return id
}

// rememberDevice marks this browser as known for u, keeping its device id
// when it already had one for u.
func (h *Handler) rememberDevice(c echo.Context, u models.User) error {
	if h.devices == nil {
		return nil
	}
	id := h.knownDevice(c, u.Email)
	if id == "" {
		id = models.RandomToken(16)
	}
	sess, _ := h.devices.New(c.Request(), deviceCookie)
	sess.Values["email"] = u.Email
	sess.Values["id"] = id
	return sess.Save(c.Request(), c.Response())
}
