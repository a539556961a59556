package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"supportaccess/models"
)

func TestLoginThrottledTable(t *testing.T) {
	cases := []struct {
		acct, addr int64
		want       bool
	}{
		{0, 0, false},
		{models.LoginMaxAccountFailures - 1, models.LoginMaxAddrFailures - 1, false},
		{models.LoginMaxAccountFailures, 0, true},
		{0, models.LoginMaxAddrFailures, true},
	}
	for _, tc := range cases {
		if got := models.LoginThrottled(tc.acct, tc.addr); got != tc.want {
			t.Errorf("LoginThrottled(%d, %d) = %v, want %v", tc.acct, tc.addr, got, tc.want)
		}
	}
}

func TestLoginLocksAfterFailuresAndRecordsAnEvent(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const good = "correct horse battery"
	for i := 0; i < models.LoginMaxAccountFailures; i++ {
		if _, err := f.s.Login(ctx, models.DemoOwnerEmail, "wrong password!", "198.51.100.7"); models.ErrorCode(err) != models.EUNAUTHORIZED {
			t.Fatalf("attempt %d: %v, want unauthorized", i+1, err)
		}
	}
	// Now even the right password is refused, with a clear message.
	_, err := f.s.Login(ctx, models.DemoOwnerEmail, good, "203.0.113.9")
	if models.ErrorCode(err) != models.ETOOMANY {
		t.Fatalf("after %d failures: %v, want too many", models.LoginMaxAccountFailures, err)
	}
	if evs := f.events(t, models.EventLoginLocked); len(evs) != 1 || evs[0].RemoteAddr != "198.51.100.7" {
		t.Fatalf("lock events: %+v, want one from the failing address", evs)
	}
	// Another account from another address is not affected.
	if _, err := f.s.Login(ctx, "nobody@acme.test", "whatever", "192.0.2.50"); models.ErrorCode(err) != models.EUNAUTHORIZED {
		t.Fatalf("other account: %v", err)
	}
	// After the window the account may log in again, and pruning forgets the failures.
	f.clock = f.clock.Add(models.LoginFailureWindow + time.Second)
	if _, err := f.s.Login(ctx, models.DemoOwnerEmail, good, "203.0.113.9"); err != nil {
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
				_, err := f.s.Login(ctx, models.DemoOwnerEmail, "wrong password!", fmt.Sprintf("198.51.100.%d", i+1))
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
			_, err := f.s.Login(ctx, models.DemoOwnerEmail, "wrong password!", "203.0.113.9")
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
