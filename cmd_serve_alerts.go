package main

import (
	"flag"
	"fmt"
	"log/slog"
	"time"

	"supportaccess/handlers/notify"
	"supportaccess/models/store"
)

// alertFlags declares serve's flags for alert delivery (package notify)
// and returns what builds the worker from them once they are parsed.
type alertFlags struct {
	smtpURL, from, publicURL *string
	poll, retryBase          *time.Duration
	privateHooks             *bool
}

func declareAlertFlags(fs *flag.FlagSet, e env) alertFlags {
	return alertFlags{
		smtpURL:      fs.String("smtp-url", e.getenv("SUPPORTACCESS_SMTP_URL"), "mail server for email alerts: smtp://user:password@host:port (STARTTLS when offered) or smtps://... (TLS from the start); none sends no email (env SUPPORTACCESS_SMTP_URL)"),
		from:         fs.String("smtp-from", envOr(e, "SUPPORTACCESS_SMTP_FROM", "Support Access Console <alerts@localhost>"), "sender of email alerts (env SUPPORTACCESS_SMTP_FROM)"),
		publicURL:    fs.String("public-url", e.getenv("SUPPORTACCESS_PUBLIC_URL"), "where people reach the console (https://console.example.com): the links in alerts and invitations, and the passkeys' relying party; empty takes each request's own (env SUPPORTACCESS_PUBLIC_URL)"),
		poll:         fs.Duration("alert-poll", envDuration(e, "SUPPORTACCESS_ALERT_POLL", time.Second), "how often each replica looks for alert deliveries due (env SUPPORTACCESS_ALERT_POLL)"),
		privateHooks: fs.Bool("alert-webhooks-private", e.getenv("SUPPORTACCESS_ALERT_WEBHOOKS_PRIVATE") == "true", "let alert webhooks call loopback, private and link-local addresses (receivers inside your network); off, only public addresses are called (env SUPPORTACCESS_ALERT_WEBHOOKS_PRIVATE=true)"),
		retryBase:    fs.Duration("alert-retry-base", envDuration(e, "SUPPORTACCESS_ALERT_RETRY_BASE", 30*time.Second), "wait before the first retry of a failed alert delivery, doubled for each next one up to an hour, for a day (env SUPPORTACCESS_ALERT_RETRY_BASE)"),
	}
}

// envDuration reads a duration from the environment, def when unset or
// unreadable (the flag's own parsing then reports nothing wrong).
func envDuration(e env, key string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(e.getenv(key)); err == nil && d > 0 {
		return d
	}
	return def
}

// worker builds the delivery worker of the parsed flags on st.
func (f alertFlags) worker(st *store.Store, log *slog.Logger) (*notify.Worker, error) {
	w, err := notify.New(st, log, notify.Config{SMTPURL: *f.smtpURL, From: *f.from, PublicURL: *f.publicURL, RetryBase: *f.retryBase, Now: st.Now, PrivateWebhooks: *f.privateHooks})
	if err != nil {
		return nil, fmt.Errorf("--smtp-url/--smtp-from: %w", err)
	}
	if !w.EmailConfigured() {
		log.Warn("email alerts are recorded as not sent: no --smtp-url")
	}
	return w, nil
}
