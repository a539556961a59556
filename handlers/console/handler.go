// Package console is the browser console's surface: login and account,
// an organization's settings, activity feed, Support Access Log and API
// keys, a project's clusters and the grants on them. Each action is a
// method of Handler in a file named after it; handlers/routes.go lists
// their routes.
package console

import (
	"crypto/ed25519"
	"strings"

	"github.com/gorilla/sessions"

	"supportaccess/models/store"
	"supportaccess/views"
)

// Config is what the console needs from the operator.
type Config struct {
	// PollSeconds is how often an open clusters page re-syncs with the server.
	PollSeconds int
	// NoRowCache renders every row of a clusters page anew (views.RowCache).
	NoRowCache bool
	// Devices signs the known-device cookie (NewDeviceCookies); nil
	// treats every browser as unknown.
	Devices *sessions.CookieStore
	// EmailConfigured tells the Alerts page whether email alerts go out.
	EmailConfigured bool
	// Links emails one-time password links; nil shows them to the owner.
	Links LinkSender
	// PublicURL is the console's address as people reach it
	// ("https://console.example.com"), for links; "" takes the request's.
	PublicURL string
	// SealPublicKey is the key the record's seals are signed with, shown
	// on Organization Settings and trusted by Verify; nil when unsigned.
	SealPublicKey ed25519.PublicKey
}

// Handler serves the console's pages and forms.
type Handler struct {
	store *store.Store
	// sessions signs the session and flash cookies; the server's session
	// middleware reads the same cookies with it.
	sessions    *sessions.CookieStore
	devices     *sessions.CookieStore // the known-device cookie's
	rows        *views.RowCache       // nil with Config.NoRowCache
	pollSeconds int
	emailOn     bool
	links       LinkSender
	publicURL   string
	sealKey     ed25519.PublicKey
}

// New builds the console's handler.
func New(store *store.Store, cookies *sessions.CookieStore, cfg Config) *Handler {
	h := &Handler{store: store, sessions: cookies, devices: cfg.Devices, pollSeconds: cfg.PollSeconds, emailOn: cfg.EmailConfigured,
		links: cfg.Links, publicURL: strings.TrimSuffix(cfg.PublicURL, "/"), sealKey: cfg.SealPublicKey}
	if !cfg.NoRowCache {
		h.rows = views.NewRowCache()
	}
	return h
}
