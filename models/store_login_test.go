package models

import (
	"context"
	"testing"
	"time"
)

func TestLoginThrottledTable(t *testing.T) {
	cases := []struct {
		acct, addr int64
		want       bool
	}{
		{0, 0, false},
		{LoginMaxAccountFailures - 1, LoginMaxAddrFailures - 1, false},
		{LoginMaxAccountFailures, 0, true},
		{0, LoginMaxAddrFailures, true},
	}
	for _, tc := range cases {
		if got := LoginThrottled(tc.acct, tc.addr); got != tc.want {
			t.Errorf("LoginThrottled(%d, %d) = %v, want %v", tc.acct, tc.addr, got, tc.want)
		}
	}
}

func TestLoginLocksAfterFailuresAndRecordsAnEvent(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const good = "correct horse battery"
	for i := 0; i < LoginMaxAccountFailures; i++ {
		if _, err := f.s.Login(ctx, DemoOwnerEmail, "wrong password!", "198.51.100.7"); ErrorCode(err) != EUNAUTHORIZED {
			t.Fatalf("attempt %d: %v, want unauthorized", i+1, err)
		}
	}
	// Now even the right password is refused, with a clear message.
	_, err := f.s.Login(ctx, DemoOwnerEmail, good, "203.0.113.9")
	if ErrorCode(err) != ETOOMANY {
		t.Fatalf("after %d failures: %v, want too many", LoginMaxAccountFailures, err)
	}
	if evs := f.events(t, EventLoginLocked); len(evs) != 1 || evs[0].RemoteAddr != "198.51.100.7" {
		t.Fatalf("lock events: %+v, want one from the failing address", evs)
	}
	// Another account from another address is not affected.
	if _, err := f.s.Login(ctx, "nobody@acme.test", "whatever", "192.0.2.50"); ErrorCode(err) != EUNAUTHORIZED {
		t.Fatalf("other account: %v", err)
	}
	// After the window the account may log in again, and pruning forgets the failures.
	f.clock = f.clock.Add(LoginFailureWindow + time.Second)
	if _, err := f.s.Login(ctx, DemoOwnerEmail, good, "203.0.113.9"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
	if err := f.s.PruneLoginFailures(ctx); err != nil {
		t.Fatal(err)
	}
	var n int64
	f.s.DB.Model(&LoginFailure{}).Count(&n)
	if n != 0 {
		t.Fatalf("%d failures kept after pruning", n)
	}
}
