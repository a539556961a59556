package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"supportaccess/handlers/notify"
	"supportaccess/models"
	"supportaccess/models/pgtest"
	"supportaccess/models/store"
	"supportaccess/models/store/storetest"
)

// hookCounter is a webhook receiver that checks each call's signature and
// counts the calls by delivery id.
type hookCounter struct {
	t      *testing.T
	secret string
	mu     sync.Mutex
	calls  map[string]int
}

func newHookCounter(t *testing.T) (*hookCounter, string) {
	h := &hookCounter{t: t, secret: "replica-hook-secret", calls: map[string]int{}}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return h, srv.URL + "/hook"
}

func (h *hookCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if r.Header.Get(notify.SignatureHeader) != notify.Sign(h.secret, body) {
		h.t.Errorf("a call with a bad signature: %s", body)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	h.mu.Lock()
	h.calls[r.Header.Get(notify.DeliveryHeader)]++
	h.mu.Unlock()
}

// waitFor waits until the receiver has n distinct deliveries, then a
// little longer, so that a second call of any would be seen.
func (h *hookCounter) waitFor(t *testing.T, n int) map[string]int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		h.mu.Lock()
		got := len(h.calls)
		h.mu.Unlock()
		if got >= n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d deliveries received, want %d", got, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(700 * time.Millisecond)
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string]int{}
	for k, v := range h.calls {
		out[k] = v
	}
	return out
}

func addHook(t *testing.T, s *store.Store, owner models.Actor, prod models.Project, url, secret string, types ...models.EventType) {
	t.Helper()
	for _, typ := range types {
		if _, err := s.CreateAlertConfig(context.Background(), owner, prod.ID, models.AlertConfig{EventType: typ, Enabled: true,
			Notifications: []models.AlertNotification{{TypeName: models.NotifyWebhook, WebhookURL: url, WebhookSecret: secret}}}); err != nil {
			t.Fatal(err)
		}
	}
}

func countDeliveries(t *testing.T, s *store.Store, status string) int64 {
	t.Helper()
	var n int64
	if err := storetest.DB(s).Table("alert_deliveries").Where("status = ? AND notification LIKE ?", status, "%WEBHOOK%").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAnAlertCommittedBeforeAKillIsDeliveredAfterTheRestartOnce: the
// server commits a grant (its delivery queued with it) and is killed with
// SIGKILL before it delivers anything; the server started again delivers
// it, once, on SQLite and on PostgreSQL.
func TestAnAlertCommittedBeforeAKillIsDeliveredAfterTheRestartOnce(t *testing.T) {
	bin := buildServer(t)
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "alerts.db")
			if backend == "postgres" {
				dsn = pgtest.Database(t)
			}
			hooks, hookURL := newHookCounter(t)
			// The first server never gets to deliver: it looks once an hour.
			p := startProcess(t, bin, dsn, "SUPPORTACCESS_ALERT_POLL=1h", "SUPPORTACCESS_ALERT_WEBHOOKS_PRIVATE=true")
			s, owner, prod := demo(t, dsn)
			addHook(t, s, owner, prod, hookURL, hooks.secret, models.EventGranted)
			br := newBrowser(t)
			br.login(p.url, demoPassword)
			status, loc, body := br.must("POST", p.url+"/groups/"+prod.ID+"/clusters/analytics/grant",
				url.Values{"grantType": {string(models.GrantInfrastructure)}, "requestKey": {"alert-crash-1"}}, false)
			if status != http.StatusSeeOther {
				t.Fatalf("grant: %d %q %.300s", status, loc, body)
			}
			if n := countDeliveries(t, s, models.DeliveryPending); n != 1 {
				t.Fatalf("%d webhook deliveries queued with the grant, want 1", n)
			}
			if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			<-p.exited
			p2 := startProcess(t, bin, dsn, "SUPPORTACCESS_ALERT_POLL=50ms", "SUPPORTACCESS_ALERT_WEBHOOKS_PRIVATE=true")
			calls := hooks.waitFor(t, 1)
			for id, n := range calls {
				if n != 1 || len(calls) != 1 {
					t.Fatalf("delivery %s called %d times (%d deliveries)", id, n, len(calls))
				}
			}
			if n := countDeliveries(t, s, models.DeliverySent); n != 1 {
				t.Fatalf("%d webhook deliveries recorded as sent, want 1", n)
			}
			p2.stop(t)
		})
	}
}

// TestTwoReplicasDeliverEachAlertOnce: grants and revokes through two
// replicas that both look for due deliveries every few milliseconds; the
// receiver gets every delivery once.
func TestTwoReplicasDeliverEachAlertOnce(t *testing.T) {
	dsn := pgtest.Database(t)
	rs := startReplicas(t, dsn, 2, "--alert-poll", "10ms", "--alert-webhooks-private")
	hooks, hookURL := newHookCounter(t)
	s, owner, prod := demo(t, dsn)
	addHook(t, s, owner, prod, hookURL, hooks.secret, models.EventGranted, models.EventRevoked)
	br := newBrowser(t)
	br.login(rs[0].url, demoPassword)
	const rounds = 8
	for i := range rounds {
		base := rs[i%2].url
		status, _, body := br.must("POST", base+"/groups/"+prod.ID+"/clusters/analytics/grant",
			url.Values{"grantType": {string(models.GrantInfrastructure)}, "requestKey": {"alert-replicas-" + strconv.Itoa(i)}}, false)
		if status != http.StatusSeeOther {
			t.Fatalf("grant %d: %d %.300s", i, status, body)
		}
		if status, _, body = br.must("POST", rs[(i+1)%2].url+"/groups/"+prod.ID+"/clusters/analytics/revoke", url.Values{}, false); status != http.StatusSeeOther {
			t.Fatalf("revoke %d: %d %.300s", i, status, body)
		}
	}
	calls := hooks.waitFor(t, 2*rounds)
	if len(calls) != 2*rounds {
		t.Fatalf("%d deliveries received, want %d", len(calls), 2*rounds)
	}
	for id, n := range calls {
		if n != 1 {
			t.Errorf("delivery %s received %d times", id, n)
		}
	}
	if n := countDeliveries(t, s, models.DeliverySent); n != 2*rounds {
		t.Errorf("%d deliveries recorded as sent, want %d", n, 2*rounds)
	}
}
