package models

import (
	"testing"
	"time"
)

func TestATOTPSecretBeingSetUpIsShownAgainForHalfAnHour(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	begun := TOTPSecret{UserID: "u", Secret: "S", CreatedAt: At(now.Add(-10 * time.Minute))}
	confirmed := begun
	confirmed.ConfirmedAt = At(now.Add(-5 * time.Minute))
	for _, tc := range []struct {
		name string
		t    TOTPSecret
		at   time.Time
		want bool
	}{
		{"none", TOTPSecret{}, now, false},
		{"begun ten minutes ago", begun, now, true},
		{"begun just under half an hour ago", begun, now.Add(TOTPSetupReuse - 10*time.Minute - time.Second), true},
		{"begun half an hour ago", begun, now.Add(TOTPSetupReuse - 10*time.Minute), false},
		{"in force", confirmed, now, false},
	} {
		if got := tc.t.ReusableForSetup(tc.at); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
