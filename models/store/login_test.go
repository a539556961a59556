package store

import (
	"context"
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
