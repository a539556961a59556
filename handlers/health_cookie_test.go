package handlers_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/securecookie"

	"supportaccess/handlers/httpx"
	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

// TestReadyzAnswers503WithoutTheDatabase: /readyz is 200 while the
// database answers and 503 once it does not, saying so without internals;
// /healthz, which asks only about the process, stays 200.
func TestReadyzAnswers503WithoutTheDatabase(t *testing.T) {
	f := handlertest.New(t)
	if rec := f.RawServe(http.MethodGet, "/readyz", "", nil); rec.Code != http.StatusOK {
		t.Fatalf("readyz with the database up: %d %s", rec.Code, rec.Body.String())
	}
	if err := f.Store.Close(); err != nil {
		t.Fatal(err)
	}
	rec := f.RawServe(http.MethodGet, "/readyz", "", nil)
	if rec.Code != http.StatusServiceUnavailable || rec.Body.String() != "database unavailable" {
		t.Fatalf("readyz with the database closed: %d %q, want 503 %q", rec.Code, rec.Body.String(), "database unavailable")
	}
	if rec := f.RawServe(http.MethodGet, "/healthz", "", nil); rec.Code != http.StatusOK {
		t.Fatalf("healthz with the database closed: %d", rec.Code)
	}
}

// TestSessionCookieSignatureExpiresAfterTheAbsoluteLimit: the session
// cookie's signed timestamp is checked against models.SessionAbsoluteTimeout,
// so that a copied cookie dies then even while its session row lives. The
// cookie is re-signed with the server's keys at two ages: a moment ago
// (accepted, which proves the re-signing) and just past the limit (refused).
func TestSessionCookieSignatureExpiresAfterTheAbsoluteLimit(t *testing.T) {
	f := handlertest.New(t)
	c := f.Login(handlertest.OwnerEmail)
	live := c.Cookies[httpx.SessionCookie]
	if live == nil {
		t.Fatal("no session cookie after logging in")
	}
	page := handlertest.ClustersURL(handlertest.IDs.Prod)
	for _, tc := range []struct {
		name   string
		age    time.Duration
		status int
	}{
		{"signed a minute ago", time.Minute, http.StatusOK},
		{"signed a minute short of the limit", models.SessionAbsoluteTimeout - time.Minute, http.StatusOK},
		{"signed a minute past the limit", models.SessionAbsoluteTimeout + time.Minute, http.StatusSeeOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			aged := *live
			aged.Value = resign(t, httpx.SessionCookie, live.Value, time.Now().Add(-tc.age))
			// The re-signed value is a valid cookie of the server's keys.
			var values map[any]any
			codec := securecookie.New(handlertest.SessionKeys[0], handlertest.SessionKeys[1]).MaxAge(0)
			if err := codec.Decode(httpx.SessionCookie, aged.Value, &values); err != nil || len(values) == 0 {
				t.Fatalf("the re-signed cookie does not decode: %v %v", err, values)
			}
			b := c.Clone()
			b.Cookies[httpx.SessionCookie] = &aged
			rec := b.Get(page)
			if rec.Code != tc.status {
				t.Fatalf("status %d (Location %q), want %d", rec.Code, rec.Header().Get("Location"), tc.status)
			}
			if tc.status == http.StatusSeeOther && !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
				t.Fatalf("refused cookie sent to %q, not the login page", rec.Header().Get("Location"))
			}
		})
	}
	if f.Count(&models.Session{}) != 1 {
		t.Fatalf("%d sessions, want the one alive", f.Count(&models.Session{}))
	}
	c.MustStatus(c.Get(page), http.StatusOK) // the session row was alive all along
}

// resign gives a securecookie value a new timestamp, signed again with the
// test servers' hash key: the value is base64 of "date|value|mac", the mac
// an HMAC-SHA256 of "name|date|value".
func resign(t *testing.T, name, cookie string, at time.Time) string {
	t.Helper()
	raw, err := base64.URLEncoding.DecodeString(cookie)
	if err != nil {
		t.Fatal(err)
	}
	parts := bytes.SplitN(raw, []byte("|"), 3)
	if len(parts) != 3 {
		t.Fatalf("cookie value has %d parts, want date|value|mac", len(parts))
	}
	signed := []byte(name + "|" + strconv.FormatInt(at.Unix(), 10) + "|" + string(parts[1]))
	mac := hmac.New(sha256.New, handlertest.SessionKeys[0])
	mac.Write(signed)
	out := append(signed[len(name)+1:], '|')
	return base64.URLEncoding.EncodeToString(append(out, mac.Sum(nil)...))
}
