package console_test

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
	"supportaccess/models/store/storetest"
)

// Login throttling through HTTP: the limits of models/store_login.go as a
// browser meets them.

// lockedMessage is what the login page says once throttling applies.
const lockedMessage = "Too many failed logins. Wait 15 minutes"

func TestLoginThrottledPerAccountThroughHTTP(t *testing.T) {
	f := handlertest.New(t)
	lockEvents := func() int64 {
		var n int64
		if err := storetest.DB(f.Store).Model(&models.Event{}).Where("type = ? AND org_id = ?", models.EventLoginLocked, handlertest.IDs.Org).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Failures from different addresses still count for the account.
	for i := range models.LoginMaxAccountFailures {
		b := handlertest.NewBrowserAt(t, f.Echo, "198.51.100."+string(rune('1'+i))+":1000")
		if res := b.Login(handlertest.OwnerEmail, "not the password"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d", i+1, res.StatusCode)
		}
	}
	if n := lockEvents(); n != 1 {
		t.Fatalf("%d USER_LOGIN_LOCKED events after %d failures, want 1", n, models.LoginMaxAccountFailures)
	}
	// Now even the right password is refused, with a clear message.
	b := handlertest.NewBrowserAt(t, f.Echo, "203.0.113.50:1000")
	res := b.Login(handlertest.OwnerEmail, handlertest.Password)
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("locked account, right password: status %d, want 429", res.StatusCode)
	}
	body, _ := io.ReadAll(res.Body)
	if !strings.Contains(string(body), lockedMessage) || !regexp.MustCompile(`role="alert"`).Match(body) {
		t.Fatalf("the login page does not say why: %.2000s", body)
	}
	if b.Cookies["sa_session"] != nil || f.Count(&models.Session{}) != 0 {
		t.Fatal("a locked account got a session")
	}
	if n := lockEvents(); n != 1 {
		t.Fatalf("%d lock events after more attempts, want still 1", n)
	}
	// Other accounts are not affected.
	if res := handlertest.NewBrowserAt(t, f.Echo, "198.51.100.1:1000").Login(handlertest.ReaderEmail, handlertest.Password); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("another account from a failing address: %d", res.StatusCode)
	}
	// After the window the account opens again.
	f.Advance(models.LoginFailureWindow)
	if res := b.Login(handlertest.OwnerEmail, handlertest.Password); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("after %v: status %d", models.LoginFailureWindow, res.StatusCode)
	}
}

func TestLoginThrottledPerAddressThroughHTTP(t *testing.T) {
	f := handlertest.New(t)
	// One address trying many accounts (password spraying): under the
	// per-account limit each, over the per-address limit together.
	for i := range models.LoginMaxAddrFailures {
		b := handlertest.NewBrowserAt(t, f.Echo, "198.51.100.9:1000")
		email := "user" + strings.Repeat("x", i) + "@acme.test"
		if res := b.Login(email, "Summer2026!!!"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d", i+1, res.StatusCode)
		}
	}
	res := handlertest.NewBrowserAt(t, f.Echo, "198.51.100.9:1000").Login(handlertest.ReaderEmail, handlertest.Password)
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("address over its limit: status %d, want 429", res.StatusCode)
	}
	body, _ := io.ReadAll(res.Body)
	if !strings.Contains(string(body), lockedMessage) {
		t.Fatalf("no clear message: %.2000s", body)
	}
	if res := handlertest.NewBrowserAt(t, f.Echo, "198.51.100.10:1000").Login(handlertest.ReaderEmail, handlertest.Password); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the same account from another address: %d", res.StatusCode)
	}
}
