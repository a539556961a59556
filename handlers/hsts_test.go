package handlers_test

import (
	"net/http"
	"testing"

	"supportaccess/handlers"
	"supportaccess/handlers/internal/handlertest"
)

func TestHSTSOnlyWhenTheRequestCameOverTLS(t *testing.T) {
	f := handlertest.New(t)
	local, err := handlers.ParseTrustedProxies("loopback")
	if err != nil {
		t.Fatal(err)
	}
	behindLocalProxy := f.Server(handlers.Config{TrustedProxies: local})
	cases := []struct {
		name   string
		addr   string
		tls    bool
		header map[string]string
		want   bool
		e      http.Handler
	}{
		{"plain HTTP", "198.51.100.1:1000", false, nil, false, f.Echo},
		{"TLS", "198.51.100.1:1000", true, nil, true, f.Echo},
		{"https from a trusted proxy", "127.0.0.1:1000", false, map[string]string{"X-Forwarded-Proto": "https"}, true, behindLocalProxy},
		{"https from loopback, not listed", "127.0.0.1:1000", false, map[string]string{"X-Forwarded-Proto": "https"}, false, f.Echo},
		{"https claimed by an untrusted peer", "198.51.100.1:1000", false, map[string]string{"X-Forwarded-Proto": "https"}, false, behindLocalProxy},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := handlertest.NewBrowserAt(t, tc.e, tc.addr)
			b.TLS = tc.tls
			for k, v := range tc.header {
				b.Header[k] = v
			}
			got := b.Do(http.MethodGet, "/login", nil).Header.Get("Strict-Transport-Security")
			if (got != "") != tc.want {
				t.Fatalf("Strict-Transport-Security %q, want set: %v", got, tc.want)
			}
		})
	}
}
