package store

import (
	"context"
	"testing"

	"supportaccess/models"
)

func TestSetPasswordRefusesCommonOnes(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		const current = "a fine long passphrase"
		if err := f.s.SetPassword(ctx, f.owner.ID, current); err != nil {
			t.Fatal(err)
		}
		for _, pw := range []string{"Password1234", "qwertyuiop123", "123456789012", "Qwertyuiop1234", "Sunshine2026"} {
			if err := f.s.SetPassword(ctx, f.owner.ID, pw); models.ErrorCode(err) != models.EINVALID || models.ErrorField(err) != "password" {
				t.Errorf("SetPassword(%q): %v, want refused", pw, err)
			}
		}
		if _, err := f.s.Authenticate(ctx, models.DemoOwnerEmail, current); err != nil {
			t.Fatalf("the current password no longer works after refusals: %v", err)
		}
		if err := f.s.SetPassword(ctx, f.owner.ID, "another fine passphrase"); err != nil {
			t.Fatalf("a new, uncommon password: %v", err)
		}
	})
}

// TestSetPasswordRefusesTheCurrentOne: a change to the same password is
// refused, keeps the sessions, and changes nothing; a different one works.
func TestSetPasswordRefusesTheCurrentOne(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		const current = "a fine long passphrase"
		if err := f.s.SetPassword(ctx, f.owner.ID, current); err != nil {
			t.Fatal(err)
		}
		ss, err := f.s.CreateSession(ctx, f.owner.ID)
		if err != nil {
			t.Fatal(err)
		}
		err = f.s.SetPassword(ctx, f.owner.ID, current)
		if models.ErrorCode(err) != models.EINVALID || models.ErrorField(err) != "password" {
			t.Fatalf("SetPassword(current): %v, want refused on the password field", err)
		}
		if _, _, err := f.s.ResumeSession(ctx, ss.ID); err != nil {
			t.Fatalf("a refused change ended the session: %v", err)
		}
		if err := f.s.SetPassword(ctx, "no-such-user", "yet another passphrase"); models.ErrorCode(err) != models.ENOTFOUND {
			t.Fatalf("SetPassword(unknown user): %v, want not found", err)
		}
		if err := f.s.SetPassword(ctx, f.owner.ID, "another fine passphrase"); err != nil {
			t.Fatalf("a different password: %v", err)
		}
	})
}
