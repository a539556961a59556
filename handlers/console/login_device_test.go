package console_test

import (
	"net/http"
	"testing"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

// A lockout must not be a denial of service: guesses from elsewhere lock
// the account to unknown browsers only (models/login.go).

func TestKnownDeviceLogsInWhileTheAccountIsLockedFromElsewhere(t *testing.T) {
	f := handlertest.New(t)
	owner := handlertest.NewBrowserAt(t, f.Echo, "192.0.2.10:1000")
	if res := owner.Login(handlertest.OwnerEmail, handlertest.Password); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first login: %d", res.StatusCode)
	}
	if owner.Cookies["sa_device"] == nil {
		t.Fatal("no known-device cookie after a successful login")
	}
	delete(owner.Cookies, "sa_session")
	// A reader's known device is not the owner's.
	reader := handlertest.NewBrowserAt(t, f.Echo, "192.0.2.11:1000")
	if res := reader.Login(handlertest.ReaderEmail, handlertest.Password); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reader login: %d", res.StatusCode)
	}
	delete(reader.Cookies, "sa_session")
	for i := range models.LoginMaxAccountFailures {
		b := handlertest.NewBrowserAt(t, f.Echo, "198.51.100."+string(rune('1'+i))+":1000")
		if res := b.Login(handlertest.OwnerEmail, "not the password"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attack %d: %d", i+1, res.StatusCode)
		}
	}
	if res := handlertest.NewBrowserAt(t, f.Echo, "192.0.2.10:1000").Login(handlertest.OwnerEmail, handlertest.Password); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("unknown browser, right password, locked account: %d, want 429", res.StatusCode)
	}
	if res := reader.Login(handlertest.OwnerEmail, handlertest.Password); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("another account's device, locked account: %d, want 429", res.StatusCode)
	}
	if res := owner.Login(handlertest.OwnerEmail, handlertest.Password); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the owner's known device, locked account: %d, want 303", res.StatusCode)
	}
}

func TestFailuresFromOneSourceSlowItDownWithoutLockingTheAccount(t *testing.T) {
	f := handlertest.New(t)
	b := handlertest.NewBrowserAt(t, f.Echo, "198.51.100.40:1000")
	for i := range models.LoginFreeFailures {
		if res := b.Login(handlertest.OwnerEmail, "not the password"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, res.StatusCode)
		}
	}
	// Past the free failures the source waits, even with the right password.
	if res := b.Login(handlertest.OwnerEmail, handlertest.Password); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("right after %d failures: %d, want 429", models.LoginFreeFailures, res.StatusCode)
	}
	// Another address is not slowed down: the account is not locked.
	if res := handlertest.NewBrowserAt(t, f.Echo, "192.0.2.20:1000").Login(handlertest.OwnerEmail, handlertest.Password); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("another address: %d, want 303", res.StatusCode)
	}
	f.Advance(models.LoginDelay(models.LoginFreeFailures))
	if res := b.Login(handlertest.OwnerEmail, handlertest.Password); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("after the delay: %d, want 303", res.StatusCode)
	}
}
