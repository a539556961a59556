package models

import (
	"testing"
	"time"
)

// TestGrantStateAt: what had become of a grant at a moment, and when it
// ended, for every way a grant ends and on both sides of its expiration.
func TestGrantStateAt(t *testing.T) {
	expires := ruleNow.Add(time.Hour)
	closed := ruleNow.Add(-time.Minute)
	open := Grant{ExpiresAt: At(expires)}
	closedAs := func(reason string, at time.Time) Grant {
		return Grant{ExpiresAt: At(expires), ClosedAt: At(at), CloseReason: reason}
	}
	cases := []struct {
		name  string
		g     Grant
		now   time.Time
		state GrantState
		ended time.Time
	}{
		{"open, before its expiration", open, ruleNow, GrantInForce, time.Time{}},
		{"open, a nanosecond before its expiration", open, expires.Add(-time.Nanosecond), GrantInForce, time.Time{}},
		{"open, at its expiration (not yet recorded)", open, expires, GrantExpired, expires},
		{"open, past its expiration (not yet recorded)", open, expires.Add(time.Hour), GrantExpired, expires},
		{"revoked, before its expiration", closedAs("REVOKED", closed), ruleNow, GrantRevoked, closed},
		{"revoked, after its expiration", closedAs("REVOKED", closed), expires.Add(time.Hour), GrantRevoked, closed},
		{"replaced", closedAs("REPLACED", closed), ruleNow, GrantReplaced, closed},
		{"expiry recorded", closedAs("EXPIRED", expires), expires.Add(time.Minute), GrantExpired, expires},
		{"closed for an unknown reason", closedAs("SOMETHING_NEW", closed), ruleNow, GrantClosed, closed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			state, ended := tc.g.StateAt(tc.now)
			if state != tc.state || !ended.Equal(tc.ended) {
				t.Fatalf("StateAt = %s at %v, want %s at %v", state, ended, tc.state, tc.ended)
			}
			if (state == GrantInForce) != tc.g.Active(tc.now) {
				t.Fatalf("StateAt says %s but Active says %v", state, tc.g.Active(tc.now))
			}
		})
	}
}
