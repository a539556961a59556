// Package atlasapi is the Admin API, wire-compatible with the Atlas
// Administration API v2: HTTP Digest API keys and service account bearer
// tokens (with their OAuth 2.0 token endpoints), one media type version
// per endpoint, the Atlas error shape. Each action is a method of Handler
// in a file named after it; handlers/routes.go lists their routes.
package atlasapi

import (
	"sync/atomic"

	"supportaccess/models/store"
)

// Handler serves the Admin API and its OAuth token endpoints.
type Handler struct {
	store *store.Store
	// nonceKeys is the key that signs Digest nonces, once read from the
	// store (digest_nonce.go).
	nonceKeys atomic.Pointer[[]byte]
}

// New builds the Admin API's handler.
func New(store *store.Store) *Handler { return &Handler{store: store} }
