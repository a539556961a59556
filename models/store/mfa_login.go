package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

// keepsAFactor refuses, in tx, a removal that would leave the user with
// no second factor while an organization of theirs requires one.
// removingTOTP and removingPasskey name what is being removed.
func keepsAFactor(tx *gorm.DB, userID string, removingTOTP bool, removingPasskey string) error {
	required, err := mfaRequiredFor(tx, userID)
	if err != nil || !required {
		return err
	}
	f, err := factorsOf(tx, userID)
	if err != nil {
		return err
	}
	left := len(f.Passkeys)
	if removingPasskey != "" {
		left--
	}
	if f.TOTP && !removingTOTP {
		left++
	}
	if left < 1 {
		return models.Errorf(models.EINVALID, "Your organization requires a second factor: add another one before removing this one.")
	}
	return nil
}

// mfaRequiredFor reports whether any organization of the user requires a
// second factor.
func mfaRequiredFor(db *gorm.DB, userID string) (bool, error) {
	var n int64
	err := db.Table("org_memberships m").Joins("JOIN org_settings s ON s.org_id = m.org_id").
		Where("m.user_id = ? AND s.mfa_required", userID).Count(&n).Error
	return n > 0, err
}

// LoginStageOf says what a login that passed the password must do next:
// present the second factor, enrol one (an organization requires it and
// the user has none), or nothing ("").
func (s *Store) LoginStageOf(ctx context.Context, userID string) (models.LoginStage, error) {
	db := s.db.WithContext(ctx)
	f, err := factorsOf(db, userID)
	if err != nil {
		return "", err
	}
	if f.Any() {
		return models.StageVerify, nil
	}
	required, err := mfaRequiredFor(db, userID)
	if err != nil {
		return "", fmt.Errorf("login stage: %w", err)
	}
	if required {
		return models.StageEnrol, nil
	}
	return "", nil
}

// CreatePendingLogin records a login half done and returns the token its
// cookie carries; the row keeps only its hash.
func (s *Store) CreatePendingLogin(ctx context.Context, userID string, stage models.LoginStage, next, device string) (string, error) {
	now := s.now()
	token := models.RandomToken(32)
	pl := models.PendingLogin{ID: models.SecretHash(token), UserID: userID, Stage: stage, Next: next, Device: device,
		CreatedAt: models.At(now), ExpiresAt: models.At(now.Add(models.PendingLoginLifetime))}
	db := s.db.WithContext(ctx)
	// Old half-done logins go as new ones come: they are useless once expired.
	if err := db.Where("expires_at <= ?", models.At(now)).Delete(&models.PendingLogin{}).Error; err != nil {
		return "", fmt.Errorf("pending login: %w", err)
	}
	if err := db.Create(&pl).Error; err != nil {
		return "", fmt.Errorf("pending login: %w", err)
	}
	return token, nil
}

var errPendingEnded = models.Errorf(models.EUNAUTHORIZED, "Your login took too long or has ended. Log in again.")

// PendingLogin finds a half-done login by its token, and its user.
func (s *Store) PendingLogin(ctx context.Context, token string) (models.PendingLogin, models.User, error) {
	var pl models.PendingLogin
	var u models.User
	if token == "" {
		return pl, u, errPendingEnded
	}
	db := s.db.WithContext(ctx)
	if err := db.Where("id = ?", models.SecretHash(token)).Limit(1).Find(&pl).Error; err != nil {
		return pl, u, fmt.Errorf("pending login: %w", err)
	}
	if pl.ID == "" || !s.now().Before(pl.ExpiresAt.Time()) {
		return models.PendingLogin{}, u, errPendingEnded
	}
	if err := db.Where("id = ?", pl.UserID).Limit(1).Find(&u).Error; err != nil {
		return pl, u, fmt.Errorf("pending login: %w", err)
	}
	if u.ID == "" {
		return models.PendingLogin{}, u, errPendingEnded
	}
	return pl, u, nil
}

// CompletePendingLogin turns a half-done login into a session, once: the
// pending row is deleted in the same transaction, so that a second
// completion finds nothing. The session has passed a second factor now
// when verified.
func (s *Store) CompletePendingLogin(ctx context.Context, token string, verified bool) (models.Session, error) {
	var ss models.Session
	err := s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
		var pl models.PendingLogin
		if err := tx.Where("id = ?", models.SecretHash(token)).Limit(1).Find(&pl).Error; err != nil {
			return err
		}
		if pl.ID == "" || !now.Before(pl.ExpiresAt.Time()) {
			return errPendingEnded
		}
		res := tx.Where("id = ?", pl.ID).Delete(&models.PendingLogin{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errPendingEnded
		}
		ss = models.Session{ID: models.RandomToken(32), UserID: pl.UserID, CSRFToken: models.RandomToken(32), CreatedAt: models.At(now), LastSeen: models.At(now)}
		if verified {
			ss.VerifiedAt = models.At(now)
		}
		row := ss
		row.ID = models.SecretHash(ss.ID)
		return tx.Create(&row).Error
	})
	if err != nil {
		return models.Session{}, fmt.Errorf("complete login: %w", err)
	}
	return ss, nil
}

// EndPendingLogin forgets a half-done login (logout, or a new login).
func (s *Store) EndPendingLogin(ctx context.Context, token string) error {
	return s.db.WithContext(ctx).Where("id = ?", models.SecretHash(token)).Delete(&models.PendingLogin{}).Error
}

// MarkVerified notes that a session passed a second factor now.
func (s *Store) MarkVerified(ctx context.Context, sessionID string) error {
	return s.db.WithContext(ctx).Model(&models.Session{}).Where("id = ?", models.SecretHash(sessionID)).
		Update("verified_at", models.At(s.now())).Error
}

// SessionVerifiedAt is when a session last passed a second factor; zero
// for never (or no such session).
func (s *Store) SessionVerifiedAt(ctx context.Context, sessionID string) (models.Instant, error) {
	var ss models.Session
	err := s.db.WithContext(ctx).Select("verified_at").Where("id = ?", models.SecretHash(sessionID)).Limit(1).Find(&ss).Error
	return ss.VerifiedAt, err
}

// endLogins ends, in tx, every session of the user and every login of
// theirs half done: what a removal or a password reset must stop at once.
func endLogins(tx *gorm.DB, userID string) error {
	if err := tx.Where("user_id = ?", userID).Delete(&models.Session{}).Error; err != nil {
		return err
	}
	return tx.Where("user_id = ?", userID).Delete(&models.PendingLogin{}).Error
}
