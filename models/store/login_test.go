package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"supportaccess/models"
)

func TestLoginRefusedTable(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	just := models.At(now)
	cases := []struct {
		name           string
		c              models.LoginCounts
		known          bool
		refused, lockd bool
	}{
		{"nothing failed", models.LoginCounts{}, false, false, false},
		{"under every limit", models.LoginCounts{Source: models.LoginFreeFailures - 1, Account: models.LoginMaxAccountFailures - 1, Addr: models.LoginMaxAddrFailures - 1, LastSource: just}, false, false, false},
		{"source past its free failures, just now", models.LoginCounts{Source: models.LoginFreeFailures, LastSource: just}, false, true, false},
		{"source past its free failures, after its delay", models.LoginCounts{Source: models.LoginFreeFailures, LastSource: models.At(now.Add(-time.Second))}, false, false, false},
		{"account at its limit", models.LoginCounts{Account: models.LoginMaxAccountFailures}, false, true, true},
		{"address at its limit", models.LoginCounts{Addr: models.LoginMaxAddrFailures}, false, true, true},
		{"known device, account and address at their limits", models.LoginCounts{Account: 99, Addr: 99}, true, false, false},
		{"known device past its free failures, just now", models.LoginCounts{Source: models.LoginFreeFailures + 1, LastSource: just}, true, true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			refused, locked := models.LoginRefused(tc.c, tc.known, now)
			if refused != tc.refused || locked != tc.lockd {
				t.Fatalf("LoginRefused = %v, %v; want %v, %v", refused, locked, tc.refused, tc.lockd)
			}
		})
	}
	for n, want := range map[int64]time.Duration{0: 0, models.LoginFreeFailures - 1: 0, models.LoginFreeFailures: time.Second, models.LoginFreeFailures + 3: 8 * time.Second, 60: models.LoginFailureWindow, 1 << 40: models.LoginFailureWindow} {
		if got := models.LoginDelay(n); got != want {
			t.Errorf("LoginDelay(%d) = %v, want %v", n, got, want)
		}
	}
}

func TestLoginLocksAfterFailuresAndRecordsAnEvent(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const good = "correct horse battery"
	for i := 0; i < models.LoginMaxAccountFailures; i++ {
		if _, err := f.s.Login(ctx, models.DemoOwnerEmail, "wrong password!", fmt.Sprintf("198.51.100.%d", 7+i), ""); models.ErrorCode(err) != models.EUNAUTHORIZED {
			t.Fatalf("attempt %d: %v, want unauthorized", i+1, err)
		}
	}
	// Now even the right password is refused, with a clear message.
	_, err := f.s.Login(ctx, models.DemoOwnerEmail, good, "203.0.113.9", "")
	if models.ErrorCode(err) != models.ETOOMANY {
		t.Fatalf("after %d failures: %v, want too many", models.LoginMaxAccountFailures, err)
	}
	if evs := f.events(t, models.EventLoginLocked); len(evs) != 1 || evs[0].RemoteAddr != fmt.Sprintf("198.51.100.%d", 6+models.LoginMaxAccountFailures) {
		t.Fatalf("lock events: %+v, want one from the failing address", evs)
	}
	// Another account from another address is not affected.
	if _, err := f.s.Login(ctx, "nobody@acme.test", "whatever", "192.0.2.50", ""); models.ErrorCode(err) != models.EUNAUTHORIZED {
		t.Fatalf("other account: %v", err)
	}
	// After the window the account may log in again, and pruning forgets the failures.
	f.clock = f.clock.Add(models.LoginFailureWindow + time.Second)
	if _, err := f.s.Login(ctx, models.DemoOwnerEmail, good, "203.0.113.9", ""); err != nil {
		t.Fatalf("after the window: %v", err)
	}
	if err := f.s.PruneLoginFailures(ctx); err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := f.s.db.Model(&models.LoginFailure{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("%d failures kept after pruning", n)
	}
}

func TestConcurrentWrongPasswordsCheckNoMoreThanTheLimitAndLockOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		// Slots for all, so that no attempt is refused as busy: only the
		// throttle may refuse.
		f.s.Hashes = models.NewHashGate(30, time.Minute)
		const attempts = 30
		errs := make(chan error, attempts)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range attempts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := f.s.Login(ctx, models.DemoOwnerEmail, "wrong password!", fmt.Sprintf("198.51.100.%d", i+1), "")
				errs <- err
			}()
		}
		close(start)
		wg.Wait()
		close(errs)
		checked := 0
		for err := range errs {
			switch models.ErrorCode(err) {
			case models.EUNAUTHORIZED:
				checked++
			case models.ETOOMANY:
			default:
				t.Fatalf("concurrent attempt: %v", err)
			}
		}
		if checked > models.LoginMaxAccountFailures {
			t.Fatalf("%d of %d concurrent wrong passwords were checked, limit %d", checked, attempts, models.LoginMaxAccountFailures)
		}
		// Attempts one by one until refused: together exactly the limit
		// were checked, and the lock was recorded once.
		for i := 0; ; i++ {
			_, err := f.s.Login(ctx, models.DemoOwnerEmail, "wrong password!", fmt.Sprintf("203.0.113.%d", i+1), "")
			if models.ErrorCode(err) == models.ETOOMANY {
				break
			}
			if models.ErrorCode(err) != models.EUNAUTHORIZED || i > models.LoginMaxAccountFailures {
				t.Fatalf("attempt %d after the burst: %v", i+1, err)
			}
			checked++
		}
		if checked != models.LoginMaxAccountFailures {
			t.Fatalf("%d wrong passwords checked in all, want %d", checked, models.LoginMaxAccountFailures)
		}
		if evs := f.events(t, models.EventLoginLocked); len(evs) != 1 {
			t.Fatalf("%d lock events, want 1", len(evs))
		}
	})
}

func TestIPv6AddressesAreThrottledByTheirSlash64(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	// Each guess from a fresh address of one /64 counts for that /64.
	for i := range models.LoginMaxAddrFailures {
		email := fmt.Sprintf("user%d@acme.test", i)
		if _, err := f.s.Login(ctx, email, "wrong password!", fmt.Sprintf("2001:db8:1:2::%x", i+1), ""); models.ErrorCode(err) != models.EUNAUTHORIZED {
			t.Fatalf("guess %d: %v", i+1, err)
		}
	}
	if _, err := f.s.Login(ctx, "other@acme.test", "wrong password!", "2001:db8:1:2:ffff::1", ""); models.ErrorCode(err) != models.ETOOMANY {
		t.Fatalf("another address of the same /64: %v, want too many", err)
	}
	if _, err := f.s.Login(ctx, "other@acme.test", "wrong password!", "2001:db8:1:3::1", ""); models.ErrorCode(err) != models.EUNAUTHORIZED {
		t.Fatalf("an address of another /64: %v, want checked", err)
	}
	for addr, want := range map[string]string{"198.51.100.7": "198.51.100.7", "2001:db8:1:2:3:4:5:6": "2001:db8:1:2::/64", "::ffff:198.51.100.7": "::ffff:198.51.100.7", "not an address": "not an address"} {
		if got := models.LoginSource(addr); got != want {
			t.Errorf("LoginSource(%q) = %q, want %q", addr, got, want)
		}
	}
}
