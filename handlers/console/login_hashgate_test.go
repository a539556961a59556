package console_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

// Password checks are bounded (models/hashgate.go): each argon2id check
// holds 19 MiB and a login needs no session.

func TestLoginRefusedWithoutHashingWhenEveryCheckIsBusy(t *testing.T) {
	f := handlertest.New(t)
	f.Store.Hashes = models.NewHashGate(2, 10*time.Millisecond)
	release := make(chan struct{})
	var held sync.WaitGroup
	for range 2 {
		held.Add(1)
		started := make(chan struct{})
		go func() {
			defer held.Done()
			_ = f.Store.Hashes.Do(context.Background(), func() { close(started); <-release })
		}()
		<-started
	}
	// A known email and an unknown one meet the same refusal: neither is
	// checked, and neither answer tells whether the account exists.
	for _, email := range []string{handlertest.OwnerEmail, "nobody@acme.test"} {
		res := handlertest.NewBrowserAt(t, f.Echo, "198.51.100.7:1000").Login(email, handlertest.Password)
		if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
			t.Fatalf("%s with every check busy: status %d, Retry-After %q; want 429 with Retry-After", email, res.StatusCode, res.Header.Get("Retry-After"))
		}
	}
	close(release)
	held.Wait()
	if res := handlertest.NewBrowserAt(t, f.Echo, "198.51.100.7:1000").Login(handlertest.OwnerEmail, handlertest.Password); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("once a check is free: status %d, want 303", res.StatusCode)
	}
	if n := f.Count(&models.LoginFailure{}); n != 0 {
		t.Fatalf("%d failures recorded for logins refused as busy, want 0", n)
	}
}

func TestManyConcurrentLoginsNeverRunMoreChecksThanTheGateAllows(t *testing.T) {
	f := handlertest.New(t)
	const slots, logins = 2, 40
	f.Store.Hashes = models.NewHashGate(slots, time.Millisecond)
	statuses := make(chan int, logins)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range logins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := handlertest.NewBrowserAt(t, f.Echo, fmt.Sprintf("198.51.100.%d:1000", i+1))
			email := handlertest.OwnerEmail
			if i%2 == 1 {
				email = fmt.Sprintf("nobody%d@acme.test", i)
			}
			b.Do(http.MethodGet, "/login", nil)
			<-start
			statuses <- b.Login(email, handlertest.Password).StatusCode
		}()
	}
	close(start)
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if p := f.Store.Hashes.Peak(); p > slots || p == 0 {
		t.Fatalf("peak of %d checks at once, want 1..%d", p, slots)
	}
	if count[http.StatusTooManyRequests] == 0 || count[http.StatusTooManyRequests] == logins {
		t.Fatalf("statuses %v: want some logins refused as busy and some checked", count)
	}
	if count[http.StatusTooManyRequests]+count[http.StatusSeeOther]+count[http.StatusUnauthorized] != logins {
		t.Fatalf("statuses %v: want only 303, 401 and 429", count)
	}
}
