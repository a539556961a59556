// Package handlers is the HTTP side of the server. routes.go lists every
// route of every surface and what runs in the background; the surfaces
// are packages of their own (console, atlasapi, supportapi), each a
// handler built in New from what it needs. Here are what they share above
// them: the middleware, the session cookies, the one error writer and
// health. What they share below them is in httpx.
package handlers

import (
	"crypto/ed25519"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"supportaccess/handlers/atlasapi"
	"supportaccess/handlers/console"
	"supportaccess/handlers/notify"
	"supportaccess/handlers/supportapi"
	"supportaccess/models"
	"supportaccess/models/store"
)

// Config holds what the HTTP side needs from the operator.
type Config struct {
	// SessionKeys signs and encrypts session cookies: pairs of a 32- or
	// 64-byte hash key and a 32-byte block key, newest first, so that keys
	// can be rotated. Every replica must have the same keys.
	SessionKeys [][]byte
	// PollSeconds is how often an open clusters page re-syncs with the server.
	PollSeconds int
	// LogSource serves clusters' database logs to the support API; nil
	// means the deterministic demo source.
	LogSource models.LogSource
	// RateLimits cap what one support token or OAuth client may send
	// (ratelimit.go); the zero value sets no limit.
	RateLimits RateLimits
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and
	// X-Forwarded-Proto headers are believed; none when empty, loopback
	// included (proxy.go).
	TrustedProxies []*net.IPNet
	// NoRowCache renders every row of a clusters page anew, instead of
	// writing the rows that are the same for every user from the HTML of
	// an earlier page (views.RowCache). The pages are the same, only
	// slower: it is there to measure the cache, or to rule it out.
	NoRowCache bool
	// PublicURL is the console's address as people reach it, for links
	// and passkeys (console.Config.PublicURL); "" takes each request's.
	PublicURL string
	// SweepInterval is how often expired grants are recorded (the sweep
	// job of routes.go); 5 seconds when zero.
	SweepInterval time.Duration
	// Alerts delivers alerts (package notify); nil delivers webhooks and
	// records email as not sent, as without an SMTP server.
	Alerts *notify.Worker
	// AlertPoll is how often due alert deliveries are looked for; 1 s
	// when zero.
	AlertPoll time.Duration
	// SealKey signs the seals of the record (the seal job); nil leaves
	// them unsigned. SealInterval is how often the job seals; a second
	// when zero.
	SealKey      ed25519.PrivateKey
	SealInterval time.Duration
}

// Server holds the surfaces' handlers and what they share.
type Server struct {
	store    *store.Store
	sessions *sessions.CookieStore
	cookies  verifiedCookies // session cookies already decoded (session_cookie.go)
	log      *slog.Logger
	cfg      Config
	// untrustedXFF logs the first X-Forwarded-For from an untrusted peer
	// (proxy.go), once per server.
	untrustedXFF sync.Once
	// csrfKey signs the session-bound CSRF tokens (csrf.go).
	csrfKey []byte

	console *console.Handler
	atlas   *atlasapi.Handler
	support *supportapi.Handler
}

// New wires a server.
func New(store *store.Store, log *slog.Logger, cfg Config) *Server {
	if cfg.SweepInterval <= 0 {
		cfg.SweepInterval = 5 * time.Second
	}
	if cfg.AlertPoll <= 0 {
		cfg.AlertPoll = time.Second
	}
	if cfg.Alerts == nil {
		cfg.Alerts, _ = notify.New(store, log, notify.Config{Now: func() time.Time { return store.Now() }}) // no SMTP: cannot fail
	}
	if cfg.SealInterval <= 0 {
		cfg.SealInterval = time.Second
	}
	if cfg.PollSeconds <= 0 {
		cfg.PollSeconds = 5
	}
	if cfg.LogSource == nil {
		cfg.LogSource = models.NewDemoLogSource()
	}
	cs := sessions.NewCookieStore(cfg.SessionKeys...)
	cs.Options = &sessions.Options{Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode}
	// MaxAge sets the cookie's lifetime and the age past which the codecs
	// refuse a signed value (30 days by default), so that a stolen cookie
	// is dead after the session's own absolute limit.
	cs.MaxAge(int(models.SessionAbsoluteTimeout.Seconds()))
	return &Server{store: store, sessions: cs, log: log, cfg: cfg, csrfKey: csrfKey(cfg.SessionKeys),
		console: console.New(store, cs, console.Config{PollSeconds: cfg.PollSeconds, NoRowCache: cfg.NoRowCache,
			Devices: console.NewDeviceCookies(cfg.SessionKeys...), EmailConfigured: cfg.Alerts.EmailConfigured(), Links: passwordLinks(cfg.Alerts),
			PublicURL: cfg.PublicURL, SealPublicKey: publicKey(cfg.SealKey)}),
		atlas:   atlasapi.New(store),
		support: supportapi.New(store, log, cfg.LogSource),
	}
}

// Echo builds the router with its middleware and routes.
func (s *Server) Echo() *echo.Echo {
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	s.routes(e)
	return e
}

// passwordLinks is who emails invitations and password resets: the alert
// worker when email is set up; nil (the owner is shown the link) when not.
func passwordLinks(w *notify.Worker) console.LinkSender {
	if w == nil || !w.EmailConfigured() {
		return nil
	}
	return w
}
