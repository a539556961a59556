package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

// secondFactorKey is the account a second factor's failed codes count
// under in login_failures: apart from the password's, so that a person
// who typed their password right is not slowed by its typos, and the same
// limits apply to guessing codes as to guessing passwords.
func secondFactorKey(email string) string { return "mfa:" + email }

// Factors is what second factors a user has.
type Factors struct {
	TOTP          bool
	RecoveryLeft  int
	Passkeys      []models.Passkey
	TOTPCreatedAt models.Instant
}

// Any reports whether the user has a second factor at all.
func (f Factors) Any() bool { return f.TOTP || len(f.Passkeys) > 0 }

// Factors reads a user's second factors.
func (s *Store) Factors(ctx context.Context, userID string) (Factors, error) {
	return factorsOf(s.db.WithContext(ctx), userID)
}

func factorsOf(db *gorm.DB, userID string) (Factors, error) {
	var f Factors
	var t models.TOTPSecret
	if err := db.Where("user_id = ? AND confirmed_at <> 0", userID).Limit(1).Find(&t).Error; err != nil {
		return f, fmt.Errorf("second factors: %w", err)
	}
	f.TOTP, f.TOTPCreatedAt = t.UserID != "", t.ConfirmedAt
	var n int64
	if err := db.Model(&models.RecoveryCode{}).Where("user_id = ? AND used_at = 0", userID).Count(&n).Error; err != nil {
		return f, fmt.Errorf("second factors: %w", err)
	}
	f.RecoveryLeft = int(n)
	if err := db.Where("user_id = ?", userID).Order("created_at").Find(&f.Passkeys).Error; err != nil {
		return f, fmt.Errorf("second factors: %w", err)
	}
	return f, nil
}

// BeginTOTP makes a new authenticator secret for the user, not yet in
// force: ConfirmTOTP puts it in force once the app shows a right code.
// A user whose app is already in force must remove it first. A secret
// still being set up is shown again rather than replaced
// (models.TOTPSecret.ReusableForSetup).
func (s *Store) BeginTOTP(ctx context.Context, u models.User) (string, error) {
	key, err := models.NewTOTPKey(u.Email)
	if err != nil {
		return "", fmt.Errorf("new authenticator: %w", err)
	}
	secret := key.Secret()
	err = s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
		secret = key.Secret()
		var cur models.TOTPSecret
		if err := tx.Where("user_id = ?", u.ID).Limit(1).Find(&cur).Error; err != nil {
			return err
		}
		if !cur.ConfirmedAt.IsZero() {
			return models.Errorf(models.EINVALID, "An authenticator app is already set up. Remove it first to set up another.")
		}
		if cur.ReusableForSetup(now) {
			secret = cur.Secret
			return nil
		}
		if err := tx.Where("user_id = ?", u.ID).Delete(&models.TOTPSecret{}).Error; err != nil {
			return err
		}
		return tx.Create(&models.TOTPSecret{UserID: u.ID, Secret: secret, CreatedAt: models.At(now)}).Error
	})
	if err != nil {
		return "", fmt.Errorf("new authenticator: %w", err)
	}
	return secret, nil
}

// UnconfirmedTOTP is the user's new authenticator secret awaiting its
// first code, "" if there is none: the set-up page shows it again after a
// wrong code, so that the app already scanned stays right.
func (s *Store) UnconfirmedTOTP(ctx context.Context, userID string) (string, error) {
	var t models.TOTPSecret
	err := s.db.WithContext(ctx).Where("user_id = ? AND confirmed_at = 0", userID).Limit(1).Find(&t).Error
	return t.Secret, err
}

// ConfirmTOTP puts the user's new authenticator secret in force with a
// first right code and returns ten new recovery codes, which are not kept
// (only their hashes): the caller shows them once. Codes are throttled as
// passwords are.
func (s *Store) ConfirmTOTP(ctx context.Context, u models.User, code, remoteAddr string) ([]string, error) {
	codes := models.NewRecoveryCodes()
	err := s.throttle(ctx, secondFactorKey(u.Email), remoteAddr, "", func() error {
		return s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
			var t models.TOTPSecret
			if err := tx.Where("user_id = ? AND confirmed_at = 0", u.ID).Limit(1).Find(&t).Error; err != nil {
				return err
			}
			if t.UserID == "" {
				return models.Errorf(models.EINVALID, "Start the set-up again: there is no new authenticator to confirm.")
			}
			step, ok := models.MatchTOTP(t.Secret, code, now, 0)
			if !ok {
				return models.ErrWrongCode()
			}
			res := tx.Model(&models.TOTPSecret{}).Where("user_id = ? AND confirmed_at = 0", u.ID).
				Updates(map[string]any{"confirmed_at": models.At(now), "last_step": step})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected != 1 {
				return models.ErrWrongCode()
			}
			return replaceRecoveryCodes(tx, now, u.ID, codes)
		})
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// replaceRecoveryCodes drops the user's recovery codes and keeps the
// hashes of codes instead, in tx.
func replaceRecoveryCodes(tx *gorm.DB, now time.Time, userID string, codes []string) error {
	if err := tx.Where("user_id = ?", userID).Delete(&models.RecoveryCode{}).Error; err != nil {
		return err
	}
	for _, c := range codes {
		if err := tx.Create(&models.RecoveryCode{ID: models.RecoveryCodeHash(c), UserID: userID, CreatedAt: models.At(now)}).Error; err != nil {
			return err
		}
	}
	return nil
}

// RemoveTOTP removes the user's authenticator app and its recovery codes.
// Where an organization of theirs requires a second factor, the last one
// cannot be removed.
func (s *Store) RemoveTOTP(ctx context.Context, userID string) error {
	return s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
		if err := keepsAFactor(tx, userID, true, ""); err != nil {
			return err
		}
		if err := tx.Where("user_id = ?", userID).Delete(&models.TOTPSecret{}).Error; err != nil {
			return err
		}
		return tx.Where("user_id = ?", userID).Delete(&models.RecoveryCode{}).Error
	})
}

// CheckSecondFactor checks a code a person typed, an app's code or a
// recovery code, throttled as passwords are. An app's code is accepted
// once: the step it is for is kept, and that step or an older one is a
// replay. A recovery code is spent.
func (s *Store) CheckSecondFactor(ctx context.Context, u models.User, code, remoteAddr, device string) error {
	return s.throttle(ctx, secondFactorKey(u.Email), remoteAddr, device, func() error {
		return s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
			if models.LooksLikeTOTP(code) {
				return useTOTP(tx, now, u.ID, code)
			}
			res := tx.Model(&models.RecoveryCode{}).Where("id = ? AND user_id = ? AND used_at = 0", models.RecoveryCodeHash(code), u.ID).
				Update("used_at", models.At(now))
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected != 1 {
				return models.ErrWrongCode()
			}
			return nil
		})
	})
}

// useTOTP accepts an app's code once, in tx: the conditional update lets
// one of two requests with the same code at once win.
func useTOTP(tx *gorm.DB, now time.Time, userID, code string) error {
	var t models.TOTPSecret
	if err := tx.Where("user_id = ? AND confirmed_at <> 0", userID).Limit(1).Find(&t).Error; err != nil {
		return err
	}
	if t.UserID == "" {
		return models.ErrWrongCode()
	}
	step, ok := models.MatchTOTP(t.Secret, code, now, t.LastStep)
	if !ok {
		return models.ErrWrongCode()
	}
	res := tx.Model(&models.TOTPSecret{}).Where("user_id = ? AND last_step < ?", userID, step).Update("last_step", step)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return models.ErrWrongCode()
	}
	return nil
}
