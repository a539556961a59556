package atlasapi

import (
	"testing"
	"time"

	"supportaccess/handlers/httpx"
)

// FuzzDecodeGrantRequest: no body makes the decoder panic; what it accepts
// has a known grant type and an expiration, and what it refuses is a 4xx
// problem, never an internal error.
func FuzzDecodeGrantRequest(f *testing.F) {
	for _, s := range []string{
		`{"grantType":"CLUSTER_INFRASTRUCTURE","expirationTime":"2026-11-28T11:23:00Z"}`,
		`{"grantType":"CLUSTER_DATABASE_LOGS","expirationTime":"2026-11-28T11:23:00.123+02:00","links":[]}`,
		`{"grantType":"X"}`, `{"grantType":1}`, `[]`, `null`, ``, `{"a":1}`, `{} {}`, `{"grantType":"CLUSTER_INFRASTRUCTURE","expirationTime":"tomorrow"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		typ, exp, err := decodeGrantRequest(body)
		if err != nil {
			p, ok := err.(*httpx.Problem)
			if !ok || p.Status != 400 || p.Code == "" || p.Detail == "" {
				t.Fatalf("refusal is not a 400 problem: %#v", err)
			}
			return
		}
		if !typ.Valid() || exp.IsZero() || exp.Location() != time.UTC {
			t.Fatalf("accepted %q as %q %v", body, typ, exp)
		}
	})
}
