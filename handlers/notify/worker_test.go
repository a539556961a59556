package notify_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"supportaccess/handlers/notify"
	"supportaccess/models"
	"supportaccess/models/pgtest"
	"supportaccess/models/store"
)

// The tests here deliver for real: email to the Mailpit that
// .ci/with-mailpit starts (read back through its HTTP API), webhooks to
// a receiver in the test that checks each signature.

type fixture struct {
	s     *store.Store
	prod  models.Project
	owner models.Actor
}

func eachDB(t *testing.T, body func(t *testing.T, f fixture)) {
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "alerts.db")
			if db == "postgres" {
				dsn = pgtest.Database(t)
			}
			s, err := store.Open(dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			ctx := context.Background()
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := s.SeedDemo(ctx, "correct horse battery"); err != nil {
				t.Fatal(err)
			}
			org, err := s.OrgByName(ctx, "Acme Corp")
			if err != nil {
				t.Fatal(err)
			}
			prod, err := s.ProjectByName(ctx, org.ID, "Production")
			if err != nil {
				t.Fatal(err)
			}
			u, err := s.UserByEmail(ctx, models.DemoOwnerEmail)
			if err != nil {
				t.Fatal(err)
			}
			p, err := s.UserPrincipal(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			body(t, fixture{s: s, prod: prod, owner: models.Actor{Principal: p}})
		})
	}
}

func mailpit(t *testing.T) (smtpURL, apiURL string) {
	t.Helper()
	smtpURL, apiURL = os.Getenv("TEST_SMTP_URL"), os.Getenv("TEST_MAILPIT_URL")
	if smtpURL == "" || apiURL == "" {
		t.Fatal("TEST_SMTP_URL and TEST_MAILPIT_URL are not set: run the tests through .ci/with-mailpit (the task 'unit' does)")
	}
	return smtpURL, apiURL
}

type mailpitMessage struct {
	ID      string
	Subject string
	To      []struct{ Address string }
	Text    string
	HTML    string
}

// mailTo waits for the messages Mailpit received for address, and reads
// each in full.
func mailTo(t *testing.T, apiURL, address string, want int) []mailpitMessage {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var list struct{ Messages []mailpitMessage }
		getJSON(t, apiURL+"/api/v1/search?query="+url.QueryEscape("to:"+address), &list)
		if len(list.Messages) >= want || time.Now().After(deadline) {
			out := make([]mailpitMessage, len(list.Messages))
			for i, m := range list.Messages {
				getJSON(t, apiURL+"/api/v1/message/"+m.ID, &out[i])
			}
			return out
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", u, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// receiver is a webhook receiver that checks the signature of each call
// and counts the calls by delivery id.
type receiver struct {
	secret string
	mu     sync.Mutex
	calls  map[string]int
	bodies []map[string]any
	bad    []string
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	if req.Header.Get(notify.SignatureHeader) != notify.Sign(r.secret, body) {
		r.bad = append(r.bad, req.Header.Get(notify.SignatureHeader))
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		r.bad = append(r.bad, "not JSON: "+string(body))
	}
	r.calls[req.Header.Get(notify.DeliveryHeader)]++
	r.bodies = append(r.bodies, m)
}

func newWorker(t *testing.T, s *store.Store, smtpURL string) *notify.Worker {
	t.Helper()
	w, err := notify.New(s, slog.New(slog.DiscardHandler), notify.Config{SMTPURL: smtpURL, From: "Support Access <alerts@console.test>",
		PublicURL: "https://console.test", RetryBase: 200 * time.Millisecond, Now: s.Now, PrivateWebhooks: true})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func addAlert(t *testing.T, f fixture, typ models.EventType, n ...models.AlertNotification) models.AlertConfig {
	t.Helper()
	c, err := f.s.CreateAlertConfig(context.Background(), f.owner, f.prod.ID, models.AlertConfig{EventType: typ, Enabled: true, Notifications: n})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func deliveries(t *testing.T, f fixture, alertID string) []models.AlertDelivery {
	t.Helper()
	ds, err := f.s.AlertDeliveries(context.Background(), f.owner.Principal, f.prod.ID, alertID, 50)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// TestAGrantIsMailedAndPostedOnce: the email reaches Mailpit with the
// cluster and the expiry; the webhook is called once, signed.
func TestAGrantIsMailedAndPostedOnce(t *testing.T) {
	smtpURL, apiURL := mailpit(t)
	eachDB(t, func(t *testing.T, f fixture) {
		ctx := context.Background()
		to := "oncall-" + strings.ToLower(models.RandomToken(6)) + "@acme.test"
		rec := &receiver{secret: "hook-secret-1", calls: map[string]int{}}
		srv := httptest.NewServer(rec)
		defer srv.Close()
		mail := addAlert(t, f, models.EventGranted, models.AlertNotification{TypeName: models.NotifyEmail, EmailAddress: to})
		hook := addAlert(t, f, models.EventGranted, models.AlertNotification{TypeName: models.NotifyWebhook, WebhookURL: srv.URL + "/in", WebhookSecret: rec.secret})
		expires := time.Now().Add(3 * time.Hour).UTC().Truncate(time.Minute)
		if _, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "analytics", Type: models.GrantDatabaseLogs, ExpiresAt: expires}); err != nil {
			t.Fatal(err)
		}
		w := newWorker(t, f.s, smtpURL)
		for range 3 { // later rounds find nothing more to send
			if _, err := w.DeliverDue(ctx); err != nil {
				t.Fatal(err)
			}
		}
		msgs := mailTo(t, apiURL, to, 1)
		if len(msgs) != 1 {
			t.Fatalf("%d messages to %s, want 1", len(msgs), to)
		}
		m := msgs[0]
		until := expires.Format("15:04")
		for _, body := range []string{m.Text, m.HTML} {
			if !strings.Contains(body, "analytics") || !strings.Contains(body, until) || !strings.Contains(body, "https://console.test/groups/"+f.prod.ID+"/clusters") {
				t.Errorf("the message does not say the cluster, %s and the link:\n%s", until, body)
			}
		}
		if !strings.Contains(m.Subject, "analytics") {
			t.Errorf("subject %q", m.Subject)
		}
		if d := deliveries(t, f, mail.ID); len(d) != 1 || d[0].Status != models.DeliverySent || d[0].Attempts != 1 || d[0].Recipient != to {
			t.Errorf("email delivery recorded as %+v", d)
		}
		rec.mu.Lock()
		defer rec.mu.Unlock()
		if len(rec.bad) != 0 || len(rec.calls) != 1 || len(rec.bodies) != 1 {
			t.Fatalf("webhook calls %v, refused %v", rec.calls, rec.bad)
		}
		b := rec.bodies[0]
		ev, _ := b["event"].(map[string]any)
		if b["alertConfigId"] != hook.ID || ev["clusterName"] != "analytics" || ev["eventTypeName"] != "EMPLOYEE_ACCESS_GRANTED" ||
			!strings.Contains(b["humanReadable"].(string), "analytics") {
			t.Errorf("webhook body %v", b)
		}
		for id, n := range rec.calls {
			if d := deliveries(t, f, hook.ID); n != 1 || len(d) != 1 || d[0].ID != id || d[0].Status != models.DeliverySent {
				t.Errorf("delivery %s called %d times, recorded %+v", id, n, d)
			}
		}
	})
}

// TestADownReceiverGetsItsCallWhenItIsBack: calls to a closed port and to
// a receiver answering 500 fail and are retried with backoff; the other
// deliveries go out meanwhile; once the receiver answers, it gets the
// call, with the same delivery id.
func TestADownReceiverGetsItsCallWhenItIsBack(t *testing.T) {
	smtpURL, apiURL := mailpit(t)
	eachDB(t, func(t *testing.T, f fixture) {
		ctx := context.Background()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close() // down: nothing listens there for now
		rec := &receiver{secret: "hook-secret-2", calls: map[string]int{}}
		hook := addAlert(t, f, models.EventRevoked, models.AlertNotification{TypeName: models.NotifyWebhook, WebhookURL: "http://" + addr + "/in", WebhookSecret: rec.secret})
		to := "revokes-" + strings.ToLower(models.RandomToken(6)) + "@acme.test"
		addAlert(t, f, models.EventRevoked, models.AlertNotification{TypeName: models.NotifyEmail, EmailAddress: to})
		if _, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "analytics", Type: models.GrantInfrastructure}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.s.RevokeAccess(ctx, f.owner, f.prod.ID, "analytics"); err != nil {
			t.Fatal(err)
		}
		w := newWorker(t, f.s, smtpURL)
		if _, err := w.DeliverDue(ctx); err != nil {
			t.Fatal(err)
		}
		if got := mailTo(t, apiURL, to, 1); len(got) != 1 {
			t.Fatalf("the email waited for the webhook: %d messages", len(got))
		}
		d := deliveries(t, f, hook.ID)
		if len(d) != 1 || d[0].Status != models.DeliveryPending || d[0].Attempts != 1 || !strings.Contains(d[0].LastError, "could not be reached") {
			t.Fatalf("after a call to nothing: %+v", d)
		}
		// Up, but failing, then well.
		var fail sync.Mutex
		failing := true
		ln, err = net.Listen("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{Handler: http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			fail.Lock()
			defer fail.Unlock()
			if failing {
				rw.WriteHeader(http.StatusInternalServerError)
				return
			}
			rec.ServeHTTP(rw, r)
		})}
		go srv.Serve(ln)
		defer srv.Close()
		deliverUntil(t, w, func() bool { d = deliveries(t, f, hook.ID); return d[0].Attempts >= 2 })
		if d[0].Status != models.DeliveryPending || !strings.Contains(d[0].LastError, "500") {
			t.Fatalf("after a 500: %+v", d[0])
		}
		fail.Lock()
		failing = false
		fail.Unlock()
		deliverUntil(t, w, func() bool { d = deliveries(t, f, hook.ID); return d[0].Status != models.DeliveryPending })
		rec.mu.Lock()
		defer rec.mu.Unlock()
		if d[0].Status != models.DeliverySent || rec.calls[d[0].ID] != 1 || len(rec.calls) != 1 {
			t.Fatalf("when back: %+v, calls %v", d[0], rec.calls)
		}
	})
}

func deliverUntil(t *testing.T, w *notify.Worker, done func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !done() {
		if time.Now().After(deadline) {
			t.Fatal("not delivered in time")
		}
		if _, err := w.DeliverDue(context.Background()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestWithoutSMTPEmailIsRecordedAsNotSent, with the reason.
func TestWithoutSMTPEmailIsRecordedAsNotSent(t *testing.T) {
	eachDB(t, func(t *testing.T, f fixture) {
		ctx := context.Background()
		c := addAlert(t, f, models.EventGranted, models.AlertNotification{TypeName: models.NotifyEmail, EmailAddress: "nobody@acme.test"})
		if _, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "analytics", Type: models.GrantInfrastructure}); err != nil {
			t.Fatal(err)
		}
		if _, err := newWorker(t, f.s, "").DeliverDue(ctx); err != nil {
			t.Fatal(err)
		}
		if d := deliveries(t, f, c.ID); len(d) != 1 || d[0].Status != models.DeliveryNotSent || d[0].LastError != notify.NoSMTP {
			t.Fatalf("without SMTP: %+v", d)
		}
	})
}

// TestABadSMTPURLIsRefusedAtStart.
func TestABadSMTPURLIsRefusedAtStart(t *testing.T) {
	for _, u := range []string{"http://mail.test", "smtp://", "smtp://mail.test:99999", "mail.test:25"} {
		if _, err := notify.NewMailer(u, "a@b.test"); err == nil {
			t.Errorf("%q accepted", u)
		}
	}
	if _, err := notify.NewMailer("smtp://mail.test", "not an address"); err == nil {
		t.Error("a bad sender accepted")
	}
	if m, err := notify.NewMailer("smtps://u:p@mail.test", "a@b.test"); err != nil || m == nil {
		t.Errorf("smtps: %v", err)
	}
}
