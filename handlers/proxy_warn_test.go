package handlers_test

import (
	"bytes"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"supportaccess/handlers"
	"supportaccess/handlers/internal/handlertest"
)

func TestForwardedForFromAnUntrustedPeerIsLoggedOnce(t *testing.T) {
	f := handlertest.New(t)
	_, lb, err := net.ParseCIDR("10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	e := handlers.New(f.Store, slog.New(slog.NewTextHandler(&logs, nil)), handlers.Config{SessionKeys: handlertest.SessionKeys, TrustedProxies: []*net.IPNet{lb}}).Echo()
	get := func(peer, xff string) {
		req := httptest.NewRequest(http.MethodGet, "/login", nil)
		req.RemoteAddr = peer
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		e.ServeHTTP(httptest.NewRecorder(), req)
	}
	const warning = "X-Forwarded-For arrived from a peer that is not a trusted proxy"
	get("10.1.2.3:4000", "198.51.100.1") // a trusted proxy
	get("203.0.113.5:4000", "")          // no header
	if strings.Contains(logs.String(), warning) {
		t.Fatalf("warned without cause: %s", logs.String())
	}
	get("127.0.0.1:4000", "198.51.100.3") // loopback, not listed
	get("192.0.2.10:4000", "198.51.100.4")
	if n := strings.Count(logs.String(), warning); n != 1 {
		t.Fatalf("%d warnings after two untrusted forwards, want 1: %s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "127.0.0.1") {
		t.Fatalf("the warning does not name the peer: %s", logs.String())
	}
}
