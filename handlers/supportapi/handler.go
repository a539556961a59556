// Package supportapi is the support API, for the provider's support
// tooling: support staff bearer tokens only, never a console cookie. It
// answers access decisions and streams a cluster's database log after
// one. handlers/routes.go lists its routes.
package supportapi

import (
	"log/slog"

	"supportaccess/models"
	"supportaccess/models/store"
)

// Handler serves the support API.
type Handler struct {
	store *store.Store
	log   *slog.Logger
	logs  models.LogSource // clusters' database logs
}

// New builds the support API's handler, serving database logs from logs.
func New(store *store.Store, log *slog.Logger, logs models.LogSource) *Handler {
	return &Handler{store: store, log: log, logs: logs}
}
