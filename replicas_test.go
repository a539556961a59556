package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"supportaccess/models"
	"supportaccess/models/pgtest"
	"supportaccess/models/store/storetest"
)

// TestReplicasShareSessions: a login on replica A works on replica B; a
// logout on A, and a password change, are refused by B.
func TestReplicasShareSessions(t *testing.T) {
	dsn := pgtest.Database(t)
	rs := startReplicas(t, dsn, 2)
	a, b := rs[0].url, rs[1].url
	s, owner, prod := demo(t, dsn)

	anon := newBrowser(t)
	if anon.loggedIn(b, prod.ID) {
		t.Fatal("an anonymous browser opened the clusters page")
	}
	br := newBrowser(t)
	br.login(a, demoPassword)
	if !br.loggedIn(b, prod.ID) {
		t.Fatal("a login on replica A is not valid on replica B")
	}
	// Keep a copy of the cookies, as an attacker who stole them would.
	aURL, _ := url.Parse(a)
	stolen := newBrowser(t)
	stolen.jar.SetCookies(aURL, br.jar.Cookies(aURL))
	if status, loc, _ := br.must("POST", a+"/logout", url.Values{}, false); status != http.StatusSeeOther || loc != "/login" {
		t.Fatalf("logout: %d %q", status, loc)
	}
	if stolen.loggedIn(b, prod.ID) {
		t.Fatal("replica B accepted a session that was logged out on replica A")
	}

	// A password change ends the user's sessions on every replica.
	br2 := newBrowser(t)
	br2.login(b, demoPassword)
	if !br2.loggedIn(a, prod.ID) {
		t.Fatal("a login on replica B is not valid on replica A")
	}
	if err := s.SetPassword(context.Background(), owner.ID, "another long password"); err != nil {
		t.Fatal(err)
	}
	if br2.loggedIn(a, prod.ID) {
		t.Fatal("replica A accepted a session after the password changed")
	}
	newBrowser(t).login(a, "another long password")
}

// TestReplicasConcurrentGrants: 50 goroutines grant, replace and revoke on
// one cluster through the console of two replicas on one PostgreSQL.
// Never two grants in force, one event per change that succeeded, no 5xx.
func TestReplicasConcurrentGrants(t *testing.T) {
	dsn := pgtest.Database(t)
	rs := startReplicas(t, dsn, 2)
	s, _, prod := demo(t, dsn)
	browsers := []*browser{newBrowser(t), newBrowser(t)}
	browsers[0].login(rs[0].url, demoPassword)
	browsers[1].login(rs[1].url, demoPassword)

	var mu sync.Mutex
	var problems []string
	problem := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		problems = append(problems, fmt.Sprintf(format, args...))
	}
	stop := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for {
			select {
			case <-stop:
				return
			default:
			}
			var open int64
			if err := storetest.DB(s).Model(&models.Grant{}).Where("closed_at = 0").Count(&open).Error; err != nil {
				problem("count open grants: %v", err)
				return
			}
			if open > 1 {
				problem("%d grants open on one cluster", open)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()

	var grants, revokes, noops, conflicts atomic.Int64
	types := []models.GrantType{models.GrantInfrastructure, models.GrantDatabaseLogs, models.GrantInfrastructureSync}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			br := browsers[i%2]
			base := rs[(i/2)%2].url + "/groups/" + prod.ID + "/clusters/orders-prod/"
			for op := 0; op < 4; op++ {
				if (i+op)%3 == 2 {
					status, _, body, err := br.do("POST", base+"revoke", url.Values{}, true)
					switch {
					case err != nil:
						problem("revoke: %v", err)
					case status == http.StatusOK && strings.Contains(body, "Revoked temporary"):
						revokes.Add(1)
					case status == http.StatusOK && strings.Contains(body, "nothing changed"):
						noops.Add(1)
					default:
						problem("revoke: %d %.200s", status, body)
					}
					continue
				}
				form := url.Values{"grantType": {string(types[(i+op)%3])}, "requestKey": {fmt.Sprintf("k-%d-%d", i, op)}}
				status, loc, body, err := br.do("POST", base+"grant", form, false)
				switch {
				case err != nil:
					problem("grant: %v", err)
				case status == http.StatusSeeOther && strings.HasSuffix(loc, "/clusters"):
					grants.Add(1)
				case status == http.StatusConflict:
					conflicts.Add(1)
				default:
					problem("grant: %d %q %.200s", status, loc, body)
				}
			}
		}()
	}
	close(start)
	wg.Wait()
	close(stop)
	<-watched
	for _, p := range problems {
		t.Error(p)
	}
	t.Logf("grants %d, revokes %d, revokes with nothing to revoke %d, conflicts %d", grants.Load(), revokes.Load(), noops.Load(), conflicts.Load())
	if grants.Load() == 0 || revokes.Load() == 0 {
		t.Fatal("the load did not exercise grants and revokes")
	}
	if conflicts.Load() > 10 {
		t.Errorf("%d of 200 changes gave up after retries", conflicts.Load())
	}
	// A grant of the type in force extends it in place: an event, no row.
	extended := countEvents(t, s, models.EventExtended)
	created := countEvents(t, s, models.EventGranted) + countEvents(t, s, models.EventReplaced) + extended
	if created != grants.Load() {
		t.Errorf("%d granted, replaced and extended events, want one per acknowledged grant: %d", created, grants.Load())
	}
	if n := countEvents(t, s, models.EventRevoked); n != revokes.Load() {
		t.Errorf("%d revoked events, want one per acknowledged revoke: %d", n, revokes.Load())
	}
	var rows, open int64
	if err := storetest.DB(s).Model(&models.Grant{}).Count(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if err := storetest.DB(s).Model(&models.Grant{}).Where("closed_at = 0").Count(&open).Error; err != nil {
		t.Fatal(err)
	}
	if rows != grants.Load()-extended || open > 1 {
		t.Errorf("%d grant rows (%d open), want %d rows and at most one open", rows, open, grants.Load()-extended)
	}
}

// TestReplicasSweepEachExpiryOnce: grants run out while two replicas sweep
// every 20ms; each grant gets exactly one "expired" event.
func TestReplicasSweepEachExpiryOnce(t *testing.T) {
	dsn := pgtest.Database(t)
	startReplicas(t, dsn, 2, "--sweep-interval", "20ms")
	s, owner, prod := demo(t, dsn)
	ctx := context.Background()
	const n = 30
	ids := make([]string, 0, n)
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("expiring-%02d", i)
		if _, err := s.CreateCluster(ctx, prod.ID, name, false); err != nil {
			t.Fatal(err)
		}
		// Expiries spread over a second and a half, so that sweeps of both
		// replicas meet grants as they run out.
		res, err := s.GrantAccess(ctx, owner, models.GrantRequest{ProjectID: prod.ID, ClusterName: name,
			Type: models.GrantInfrastructure, ExpiresAt: time.Now().Add(500*time.Millisecond + time.Duration(i)*35*time.Millisecond)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.Grant.ID)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		var open int64
		if err := storetest.DB(s).Model(&models.Grant{}).Where("closed_at = 0").Count(&open).Error; err != nil {
			t.Fatal(err)
		}
		if open == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d grants still open 30s after they expired", open)
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // a few more sweeps by both replicas
	var evs []models.Event
	if err := storetest.DB(s).Where("type = ?", models.EventExpired).Find(&evs).Error; err != nil {
		t.Fatal(err)
	}
	per := map[string]int{}
	for _, e := range evs {
		per[e.GrantID]++
		if e.ActorKind != models.ActorSystem {
			t.Errorf("expired event by %s, want SYSTEM", e.ActorKind)
		}
	}
	for _, id := range ids {
		if per[id] != 1 {
			t.Errorf("grant %s has %d expired events, want exactly 1", id, per[id])
		}
	}
	if len(evs) != n {
		t.Errorf("%d expired events, want %d", len(evs), n)
	}
}
