package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

// WebAuthn ceremonies (passkey.go): the challenge the server sent, kept
// server-side for one use, by user and purpose, so that a ceremony's
// answer is accepted once and only for the challenge it was made for.

// ceremonyLifetime is how long a ceremony's challenge stays good.
const ceremonyLifetime = 5 * time.Minute

// webauthnCeremony is a ceremony in progress: data is the library's
// session data (JSON), which holds the challenge.
type webauthnCeremony struct {
	UserID    string `gorm:"primaryKey"`
	Purpose   string `gorm:"primaryKey"`
	Data      string
	ExpiresAt models.Instant
}

// TableName is the schema's name of the table.
func (webauthnCeremony) TableName() string { return "webauthn_ceremonies" }

// SaveCeremony keeps a ceremony's data for the user, replacing any earlier
// one of the same purpose.
func (s *Store) SaveCeremony(ctx context.Context, userID, purpose, data string) error {
	return s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
		if err := tx.Where("user_id = ? AND purpose = ?", userID, purpose).Delete(&webauthnCeremony{}).Error; err != nil {
			return err
		}
		return tx.Create(&webauthnCeremony{UserID: userID, Purpose: purpose, Data: data, ExpiresAt: models.At(now.Add(ceremonyLifetime))}).Error
	})
}

var errNoCeremony = models.Errorf(models.EUNAUTHORIZED, "The passkey request has expired or was already answered. Try again.")

// TakeCeremony returns the user's ceremony data of purpose and forgets it:
// a second answer finds none.
func (s *Store) TakeCeremony(ctx context.Context, userID, purpose string) (string, error) {
	var data string
	err := s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
		var c webauthnCeremony
		if err := tx.Where("user_id = ? AND purpose = ?", userID, purpose).Limit(1).Find(&c).Error; err != nil {
			return err
		}
		res := tx.Where("user_id = ? AND purpose = ?", userID, purpose).Delete(&webauthnCeremony{})
		if res.Error != nil {
			return res.Error
		}
		if c.UserID == "" || res.RowsAffected != 1 || !now.Before(c.ExpiresAt.Time()) {
			return errNoCeremony
		}
		data = c.Data
		return nil
	})
	return data, err
}

// AddPasskey keeps a new passkey of the user under a name they chose.
func (s *Store) AddPasskey(ctx context.Context, userID string, k models.Passkey) (models.Passkey, error) {
	name, err := models.ValidPasskeyName(k.Name)
	if err != nil {
		return models.Passkey{}, err
	}
	k.Name = name
	k.UserID = userID
	err = s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
		k.CreatedAt = models.At(now)
		var n int64
		if err := tx.Model(&models.Passkey{}).Where("id = ?", k.ID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return models.Errorf(models.EINVALID, "This passkey is already registered.")
		}
		return tx.Create(&k).Error
	})
	if err != nil {
		return models.Passkey{}, fmt.Errorf("add passkey: %w", err)
	}
	return k, nil
}

// RemovePasskey removes one passkey of the user; where an organization of
// theirs requires a second factor, not the last one.
func (s *Store) RemovePasskey(ctx context.Context, userID, id string) error {
	return s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
		if err := keepsAFactor(tx, userID, false, id); err != nil {
			return err
		}
		res := tx.Where("id = ? AND user_id = ?", id, userID).Delete(&models.Passkey{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return models.Errorf(models.ENOTFOUND, "No such passkey.")
		}
		return nil
	})
}

// UsePasskey records a verified assertion of the user's passkey: its new
// counter and credential record. The update holds only while the counter
// rises (or both are zero, an authenticator that does not count), so that
// a replayed or cloned assertion, even at the same moment, is refused.
func (s *Store) UsePasskey(ctx context.Context, userID, id string, count uint32, credential string) error {
	return s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
		res := tx.Model(&models.Passkey{}).
			Where("id = ? AND user_id = ? AND (sign_count < ? OR (sign_count = 0 AND ? = 0))", id, userID, int64(count), int64(count)).
			Updates(map[string]any{"sign_count": int64(count), "credential": credential, "last_used_at": models.At(now)})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return models.ErrPasskeyCounter()
		}
		return nil
	})
}
