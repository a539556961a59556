package handlers_test

import (
	"net/http"
	"testing"

	"supportaccess/handlers/internal/handlertest"
)

func TestHSTSOnlyWhenTheRequestCameOverTLS(t *testing.T) {
	f := handlertest.New(t)
	cases := []struct {
		name   string
		addr   string
		tls    bool
		header map[string]string
		want   bool
	}{
		{"plain HTTP", "198.51.100.1:1000", false, nil, false},
		{"TLS", "198.51.100.1:1000", true, nil, true},
		{"https from a trusted proxy", "127.0.0.1:1000", false, map[string]string{"X-Forwarded-Proto": "https"}, true},
		{"https claimed by an untrusted peer", "198.51.100.1:1000", false, map[string]string{"X-Forwarded-Proto": "https"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := handlertest.NewBrowserAt(t, f.Echo, tc.addr)
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
