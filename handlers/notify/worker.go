package notify

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"supportaccess/models"
)

// Store is what the worker needs of the storage (package store).
type Store interface {
	ClaimDeliveries(ctx context.Context, owner string, lease time.Duration, limit int) ([]models.AlertDelivery, error)
	FinishDelivery(ctx context.Context, owner string, d models.AlertDelivery) error
	RecipientEmails(ctx context.Context, d models.AlertDelivery) ([]string, error)
	DeliveryPlace(ctx context.Context, d models.AlertDelivery) (org, project string, err error)
}

// Config says how alerts go out.
type Config struct {
	// SMTPURL names the mail server (Mailer); empty sends no email.
	SMTPURL string
	// From is the sender of every email.
	From string
	// PublicURL is where people reach the console, for the links.
	PublicURL string
	// RetryBase is the wait before the first retry, doubled for each
	// next one up to an hour (models.NextAttempt); 30 s when zero.
	RetryBase time.Duration
	// Lease is how long a claimed delivery is this worker's alone; it
	// outlasts any one attempt. 2 minutes when zero.
	Lease time.Duration
	// Now is the clock the store also reads; time.Now when nil.
	Now func() time.Time
	// PrivateWebhooks lets webhooks reach loopback, private and
	// link-local addresses (receivers inside the operator's network, and
	// the tests'); off, only public addresses are called.
	PrivateWebhooks bool
}

// NoSMTP is the reason an email delivery is not sent without a mail server.
const NoSMTP = "No SMTP server is configured: the server runs without --smtp-url (SUPPORTACCESS_SMTP_URL)."

// Worker delivers the due alerts on one replica.
type Worker struct {
	store  Store
	mailer *Mailer
	hooks  *http.Client
	cfg    Config
	owner  string
	log    *slog.Logger
}

// batch is how many deliveries one worker claims at a time: each is sent
// on its own goroutine, so that a receiver that hangs holds up only its own.
const batch = 16

// New builds a worker; a bad SMTP URL or sender is an error at start.
func New(st Store, log *slog.Logger, cfg Config) (*Worker, error) {
	m, err := NewMailer(cfg.SMTPURL, cfg.From)
	if err != nil {
		return nil, err
	}
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = 30 * time.Second
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Worker{store: st, mailer: m, hooks: newWebhookClient(cfg.PrivateWebhooks), cfg: cfg, owner: models.RandomToken(9), log: log}, nil
}

// EmailConfigured reports whether email alerts can go out at all.
func (w *Worker) EmailConfigured() bool { return w.mailer != nil }

// DeliverDue sends what is due now, a batch at a time, until nothing is
// left or ctx ends, and reports how many attempts it made.
func (w *Worker) DeliverDue(ctx context.Context) (int, error) {
	n := 0
	for ctx.Err() == nil {
		due, err := w.store.ClaimDeliveries(ctx, w.owner, w.cfg.Lease, batch)
		if err != nil {
			return n, err
		}
		var wg sync.WaitGroup
		for _, d := range due {
			wg.Go(func() { w.deliver(ctx, d) })
		}
		wg.Wait()
		n += len(due)
		if len(due) < batch {
			break
		}
	}
	return n, nil
}

// deliver makes one attempt and records it.
func (w *Worker) deliver(ctx context.Context, d models.AlertDelivery) {
	sent, err := w.attempt(ctx, &d)
	switch {
	case err == nil && sent:
		d.Status, d.LastError = models.DeliverySent, ""
	case err == nil:
		d.Status = models.DeliveryNotSent
	default:
		d.LastError = err.Error()
		next, ok := models.NextAttempt(d.CreatedAt.Time(), w.cfg.Now(), d.Attempts+1, w.cfg.RetryBase)
		d.Status, d.NextAt = models.DeliveryFailed, models.At(next)
		if ok {
			d.Status = models.DeliveryPending
		}
	}
	// Recorded even while the server stops, so that the attempt counts.
	rec, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := w.store.FinishDelivery(rec, w.owner, d); err != nil {
		w.log.Error("record alert delivery", "delivery", d.ID, "err", err)
	}
}

// attempt sends d once. It reports sent, or not sent with the reason in
// d.LastError (nothing to retry), or an error to retry.
func (w *Worker) attempt(ctx context.Context, d *models.AlertDelivery) (bool, error) {
	org, project, err := w.store.DeliveryPlace(ctx, *d)
	if err != nil {
		return false, err
	}
	msg := compose(*d, org, project, w.cfg.PublicURL)
	if d.Notification.TypeName == models.NotifyWebhook {
		body, err := webhookJSON(*d, msg)
		if err != nil {
			return false, err
		}
		return true, callWebhook(ctx, w.hooks, *d, body)
	}
	if w.mailer == nil {
		d.LastError = NoSMTP
		return false, nil
	}
	to, err := w.store.RecipientEmails(ctx, *d)
	if err != nil {
		return false, err
	}
	if len(to) == 0 {
		d.LastError = "Nobody in the project or organization holds the roles this notification names (" + d.Notification.Recipient() + ")."
		return false, nil
	}
	d.Recipient = strings.Join(to, ", ")
	sendCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := w.mailer.send(sendCtx, d.ID, to, msg); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return false, errors.New("the SMTP server did not answer within 30 s")
		}
		return false, err
	}
	return true, nil
}
