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
