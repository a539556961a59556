package store

import (
	"context"
	"testing"
	"time"

	"supportaccess/models"
)

// enrolTOTP sets up an authenticator app for u and returns its secret and
// recovery codes.
func enrolTOTP(t *testing.T, f *fixture, u models.User) (string, []string) {
	t.Helper()
	ctx := context.Background()
	secret, err := f.s.BeginTOTP(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	code, err := models.TOTPCode(secret, f.clock)
	if err != nil {
		t.Fatal(err)
	}
	codes, err := f.s.ConfirmTOTP(ctx, u, code, "192.0.2.9")
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != models.RecoveryCodeCount {
		t.Fatalf("%d recovery codes", len(codes))
	}
	return secret, codes
}

func ownerUser(f *fixture) models.User { return models.User{ID: f.owner.ID, Email: f.owner.Name} }

func TestAnAppCodeIsRefusedWhenWrongAndWhenReplayed(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		u := ownerUser(f)
		secret, _ := enrolTOTP(t, f, u)
		// The enrolment's own code was spent: the next step's code works.
		f.clock = f.clock.Add(models.TOTPPeriod * time.Second)
		code, err := models.TOTPCode(secret, f.clock)
		if err != nil {
			t.Fatal(err)
		}
		wrong := "000000"
		if wrong == code {
			wrong = "111111"
		}
		if err := f.s.CheckSecondFactor(ctx, u, wrong, "192.0.2.9", ""); models.ErrorCode(err) != models.EUNAUTHORIZED {
			t.Fatalf("a wrong code: %v", err)
		}
		if err := f.s.CheckSecondFactor(ctx, u, code, "192.0.2.9", ""); err != nil {
			t.Fatalf("the right code: %v", err)
		}
		if err := f.s.CheckSecondFactor(ctx, u, code, "192.0.2.9", ""); models.ErrorCode(err) != models.EUNAUTHORIZED {
			t.Fatalf("the same code again: %v", err)
		}
		// Nor is an older step's code taken once a newer one was.
		older, _ := models.TOTPCode(secret, f.clock.Add(-models.TOTPPeriod*time.Second))
		if err := f.s.CheckSecondFactor(ctx, u, older, "192.0.2.9", ""); models.ErrorCode(err) != models.EUNAUTHORIZED {
			t.Fatalf("an older code after a newer one: %v", err)
		}
		// Far in the future a stale code means nothing.
		f.clock = f.clock.Add(time.Hour)
		if err := f.s.CheckSecondFactor(ctx, u, code, "192.0.2.9", ""); models.ErrorCode(err) != models.EUNAUTHORIZED {
			t.Fatalf("an hour-old code: %v", err)
		}
	})
}

func TestARecoveryCodeWorksOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		u := ownerUser(f)
		_, codes := enrolTOTP(t, f, u)
		if err := f.s.CheckSecondFactor(ctx, u, " "+codes[3]+" ", "192.0.2.9", ""); err != nil {
			t.Fatalf("a recovery code: %v", err)
		}
		if err := f.s.CheckSecondFactor(ctx, u, codes[3], "192.0.2.9", ""); models.ErrorCode(err) != models.EUNAUTHORIZED {
			t.Fatalf("the recovery code again: %v", err)
		}
		fs, err := f.s.Factors(ctx, u.ID)
		if err != nil || fs.RecoveryLeft != models.RecoveryCodeCount-1 || !fs.TOTP {
			t.Fatalf("factors: %+v %v", fs, err)
		}
		other, _ := invite(t, f, "other@acme.test", models.OrgMember)
		if err := f.s.CheckSecondFactor(ctx, other, codes[4], "192.0.2.9", ""); models.ErrorCode(err) != models.EUNAUTHORIZED {
			t.Fatalf("another user's recovery code: %v", err)
		}
	})
}

func TestSecondFactorCodesAreThrottledLikePasswords(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		u := ownerUser(f)
		secret, _ := enrolTOTP(t, f, u)
		for i := range models.LoginMaxAccountFailures {
			f.clock = f.clock.Add(models.LoginFailureWindow / 20)
			if err := f.s.CheckSecondFactor(ctx, u, "not-a-code", models.NewID(f.clock)+".example", ""); models.ErrorCode(err) != models.EUNAUTHORIZED {
				t.Fatalf("guess %d: %v", i, err)
			}
		}
		f.clock = f.clock.Add(models.TOTPPeriod * time.Second)
		code, _ := models.TOTPCode(secret, f.clock)
		if err := f.s.CheckSecondFactor(ctx, u, code, "198.51.100.1", ""); models.ErrorCode(err) != models.ETOOMANY {
			t.Fatalf("the right code after %d wrong ones: %v, want throttled", models.LoginMaxAccountFailures, err)
		}
		if err := f.s.UnlockLogin(ctx, u.Email); err != nil {
			t.Fatal(err)
		}
		if err := f.s.CheckSecondFactor(ctx, u, code, "198.51.100.1", ""); err != nil {
			t.Fatalf("after unlocking: %v", err)
		}
	})
}

func TestAConfirmationNeedsTheRightCodeAndAPendingLoginCompletesOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		u := ownerUser(f)
		if _, err := f.s.ConfirmTOTP(ctx, u, "123456", "192.0.2.9"); models.ErrorCode(err) != models.EINVALID {
			t.Fatalf("confirming nothing: %v", err)
		}
		secret, err := f.s.BeginTOTP(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		code, _ := models.TOTPCode(secret, f.clock)
		wrong := "000000"
		if code == wrong {
			wrong = "999999"
		}
		if _, err := f.s.ConfirmTOTP(ctx, u, wrong, "192.0.2.9"); models.ErrorCode(err) != models.EUNAUTHORIZED {
			t.Fatalf("a wrong first code: %v", err)
		}
		if stage, err := f.s.LoginStageOf(ctx, u.ID); err != nil || stage != "" {
			t.Fatalf("an unconfirmed app counts: %q %v", stage, err)
		}
		if _, err := f.s.ConfirmTOTP(ctx, u, code, "192.0.2.9"); err != nil {
			t.Fatal(err)
		}
		if stage, err := f.s.LoginStageOf(ctx, u.ID); err != nil || stage != models.StageVerify {
			t.Fatalf("stage %q %v", stage, err)
		}
		token, err := f.s.CreatePendingLogin(ctx, u.ID, models.StageVerify, "/next", "")
		if err != nil {
			t.Fatal(err)
		}
		ss, err := f.s.CompletePendingLogin(ctx, token, true)
		if err != nil || ss.VerifiedAt.IsZero() {
			t.Fatalf("complete: %+v %v", ss, err)
		}
		if _, err := f.s.CompletePendingLogin(ctx, token, true); models.ErrorCode(err) != models.EUNAUTHORIZED {
			t.Fatalf("completing twice: %v", err)
		}
		late, err := f.s.CreatePendingLogin(ctx, u.ID, models.StageVerify, "", "")
		if err != nil {
			t.Fatal(err)
		}
		f.clock = f.clock.Add(models.PendingLoginLifetime)
		if _, _, err := f.s.PendingLogin(ctx, late); models.ErrorCode(err) != models.EUNAUTHORIZED {
			t.Fatalf("an expired pending login: %v", err)
		}
	})
}

// Reloading the set-up page shows the same secret, so that a QR code
// already scanned still works; after half an hour it is a new one.
func TestBeginningTOTPAgainShowsTheSameSecretForAWhile(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		u := ownerUser(f)
		first, err := f.s.BeginTOTP(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		f.clock = f.clock.Add(5 * time.Minute)
		again, err := f.s.BeginTOTP(ctx, u)
		if err != nil || again != first {
			t.Fatalf("begun again: %q, %v; want the first secret", again, err)
		}
		f.clock = f.clock.Add(models.TOTPSetupReuse)
		later, err := f.s.BeginTOTP(ctx, u)
		if err != nil || later == first {
			t.Fatalf("begun later: %q, %v; want a new secret", later, err)
		}
		if got, err := f.s.UnconfirmedTOTP(ctx, u.ID); err != nil || got != later {
			t.Fatalf("the secret awaiting its code is %q (%v), want the newest", got, err)
		}
	})
}
