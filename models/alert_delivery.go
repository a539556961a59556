package models

import "time"

// Delivery states. A delivery is PENDING until it is sent (SENT), until a
// day of retries has passed (FAILED), or until it is found it cannot be
// sent at all (NOT_SENT: no SMTP server configured, nobody holds the
// roles), with the reason in LastError.
const (
	DeliveryPending = "PENDING"
	DeliverySent    = "SENT"
	DeliveryFailed  = "FAILED"
	DeliveryNotSent = "NOT_SENT"
)

// DeliveryRetryFor is how long a delivery is retried before it is FAILED.
const DeliveryRetryFor = 24 * time.Hour

// AlertDelivery is one notification of one alert for one event: the queue
// row that the event's transaction writes, and the record of its attempts
// that the console shows.
type AlertDelivery struct {
	ID            string
	OrgID         string
	ProjectID     string
	AlertConfigID string
	EventID       string
	EventType     EventType
	// Event is the event as it was when the delivery was queued.
	Event Event
	// Notification is the alert's notification as it was then, secret
	// included, so that a later edit does not change a queued delivery.
	Notification AlertNotification
	// Recipient is whom it reached, or would: the addresses once resolved.
	Recipient string
	Status    string
	Attempts  int
	LastError string
	NextAt    Instant
	CreatedAt Instant
	UpdatedAt Instant
	SentAt    Instant
}

// NextAttempt is when a delivery that failed its attempt-th try (from 1)
// is tried again, base doubled each time up to an hour; ok is false once a
// day has passed since it was queued, when it is FAILED instead.
func NextAttempt(created, now time.Time, attempt int, base time.Duration) (time.Time, bool) {
	wait := base
	for i := 1; i < attempt && wait < time.Hour; i++ {
		wait *= 2
	}
	wait = min(wait, time.Hour)
	next := now.Add(wait)
	if next.Sub(created) > DeliveryRetryFor {
		return time.Time{}, false
	}
	return next, true
}
