package notify_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"supportaccess/handlers/notify"
	"supportaccess/models"
)

// TestAnOwnerIsToldOfTheGrantItsEndAndItsRevokeOnce: granted, ends within
// the hour (raised by the sweep), revoked: one email and one signed
// webhook call for each, whichever worker rounds run.
func TestAnOwnerIsToldOfTheGrantItsEndAndItsRevokeOnce(t *testing.T) {
	smtpURL, apiURL := mailpit(t)
	eachDB(t, func(t *testing.T, f fixture) {
		ctx := context.Background()
		var offset atomic.Int64
		f.s.Now = func() time.Time { return time.Now().UTC().Add(time.Duration(offset.Load())) }
		to := "lifecycle-" + strings.ToLower(models.RandomToken(6)) + "@acme.test"
		rec := &receiver{secret: "hook-secret-3", calls: map[string]int{}}
		srv := httptest.NewServer(rec)
		defer srv.Close()
		for _, typ := range []models.EventType{models.EventGranted, models.EventExpiring, models.EventRevoked} {
			addAlert(t, f, typ, models.AlertNotification{TypeName: models.NotifyEmail, EmailAddress: to},
				models.AlertNotification{TypeName: models.NotifyWebhook, WebhookURL: srv.URL, WebhookSecret: rec.secret})
		}
		w := newWorker(t, f.s, smtpURL)
		round := func() {
			for range 2 {
				if _, err := w.DeliverDue(ctx); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "analytics",
			Type: models.GrantInfrastructure, ExpiresAt: f.s.Now().Add(61 * time.Minute)}); err != nil {
			t.Fatal(err)
		}
		round()
		offset.Store(int64(2 * time.Minute)) // now within the hour before the end
		for range 2 {
			if _, err := f.s.SweepExpiring(ctx); err != nil {
				t.Fatal(err)
			}
		}
		round()
		if _, _, err := f.s.RevokeAccess(ctx, f.owner, f.prod.ID, "analytics"); err != nil {
			t.Fatal(err)
		}
		round()
		msgs := mailTo(t, apiURL, to, 3)
		var subjects []string
		for _, m := range msgs {
			subjects = append(subjects, m.Subject)
		}
		joined := strings.Join(subjects, " | ")
		if len(msgs) != 3 || !strings.Contains(joined, "granted") || !strings.Contains(joined, "within the hour") || !strings.Contains(joined, "revoked") {
			t.Fatalf("emails: %q", subjects)
		}
		rec.mu.Lock()
		defer rec.mu.Unlock()
		if len(rec.bad) != 0 || len(rec.calls) != 3 {
			t.Fatalf("webhook calls %v, refused %v", rec.calls, rec.bad)
		}
		seen := map[any]bool{}
		for _, b := range rec.bodies {
			seen[b["eventTypeName"]] = true
		}
		for _, typ := range []string{"EMPLOYEE_ACCESS_GRANTED", "EMPLOYEE_ACCESS_EXPIRING", "EMPLOYEE_ACCESS_REVOKED"} {
			if !seen[typ] {
				t.Errorf("no webhook call for %s: %v", typ, seen)
			}
		}
		for id, n := range rec.calls {
			if n != 1 {
				t.Errorf("delivery %s called %d times", id, n)
			}
		}
	})
}

// TestAHangingOrRedirectingReceiverHoldsUpNothingElse: a receiver that
// does not answer is given up after 5 s, one that redirects is not
// followed; both are retried later, and the email of the same event goes
// out in the same round.
func TestAHangingOrRedirectingReceiverHoldsUpNothingElse(t *testing.T) {
	smtpURL, apiURL := mailpit(t)
	eachDB(t, func(t *testing.T, f fixture) {
		ctx := context.Background()
		release := make(chan struct{})
		hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-time.After(8 * time.Second):
			}
		}))
		defer hang.Close()
		defer close(release)
		var followed atomic.Int32
		target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { followed.Add(1) }))
		defer target.Close()
		moved := httptest.NewServer(http.RedirectHandler(target.URL, http.StatusTemporaryRedirect))
		defer moved.Close()
		to := "hang-" + strings.ToLower(models.RandomToken(6)) + "@acme.test"
		hung := addAlert(t, f, models.EventGranted, models.AlertNotification{TypeName: models.NotifyWebhook, WebhookURL: hang.URL, WebhookSecret: "hook-secret-4"})
		redirected := addAlert(t, f, models.EventGranted, models.AlertNotification{TypeName: models.NotifyWebhook, WebhookURL: moved.URL, WebhookSecret: "hook-secret-4"})
		mailed := addAlert(t, f, models.EventGranted, models.AlertNotification{TypeName: models.NotifyEmail, EmailAddress: to})
		if _, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "analytics", Type: models.GrantInfrastructure}); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if _, err := newWorker(t, f.s, smtpURL).DeliverDue(ctx); err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took > 7*time.Second {
			t.Fatalf("a round took %v with a hanging receiver", took)
		}
		if d := deliveries(t, f, hung.ID); d[0].Status != models.DeliveryPending || !strings.Contains(d[0].LastError, "no answer within 5s") {
			t.Errorf("hanging receiver: %+v", d[0])
		}
		if d := deliveries(t, f, redirected.ID); d[0].Status != models.DeliveryPending || !strings.Contains(d[0].LastError, "redirects are not followed") || followed.Load() != 0 {
			t.Errorf("redirecting receiver: %+v, target called %d times", d[0], followed.Load())
		}
		if d := deliveries(t, f, mailed.ID); d[0].Status != models.DeliverySent {
			t.Errorf("the email waited: %+v", d[0])
		}
		if got := mailTo(t, apiURL, to, 1); len(got) != 1 {
			t.Errorf("%d emails", len(got))
		}
	})
}

// TestWebhooksReachOnlyPublicAddressesByDefault: a project owner's webhook
// to the server's own network (here loopback) is refused at connect time,
// and the receiver hears nothing.
func TestWebhooksReachOnlyPublicAddressesByDefault(t *testing.T) {
	eachDB(t, func(t *testing.T, f fixture) {
		ctx := context.Background()
		var called atomic.Int32
		inside := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { called.Add(1) }))
		defer inside.Close()
		c := addAlert(t, f, models.EventGranted, models.AlertNotification{TypeName: models.NotifyWebhook, WebhookURL: inside.URL, WebhookSecret: "hook-secret-5"})
		if _, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "analytics", Type: models.GrantInfrastructure}); err != nil {
			t.Fatal(err)
		}
		w, err := notify.New(f.s, slog.New(slog.DiscardHandler), notify.Config{Now: f.s.Now})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.DeliverDue(ctx); err != nil {
			t.Fatal(err)
		}
		if d := deliveries(t, f, c.ID); d[0].Status != models.DeliveryPending || !strings.Contains(d[0].LastError, "loopback, private or link-local") || called.Load() != 0 {
			t.Fatalf("a webhook to loopback: %+v, called %d times", d[0], called.Load())
		}
	})
}
