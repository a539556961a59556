package httpx

import (
	"net/http"
	"strings"
)

// Authorization splits a request's Authorization header into its scheme
// and its credentials, for the Admin API and the support API alike.
func Authorization(r *http.Request) (scheme, credentials string) {
	scheme, rest, _ := strings.Cut(strings.TrimLeft(r.Header.Get("Authorization"), " "), " ")
	return scheme, strings.TrimSpace(rest)
}
