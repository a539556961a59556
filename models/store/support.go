package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

// CreateSupportStaff adds a support employee, or gives a new token to one
// whose token was revoked or has expired, and returns the token: the only
// time it exists outside the caller's hands.
func (s *Store) CreateSupportStaff(ctx context.Context, email string, validFor time.Duration) (models.SupportStaff, string, error) {
	email, err := models.NormalizeEmail(email)
	if err != nil {
		return models.SupportStaff{}, "", err
	}
	if validFor <= 0 {
		validFor = models.SupportTokenLifetime
	}
	token := "sas_" + models.RandomToken(32)
	var st models.SupportStaff
	err = s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
		st = models.SupportStaff{}
		if err := tx.Where("email = ?", email).Limit(1).Find(&st).Error; err != nil {
			return err
		}
		if st.ID != "" && st.Live(now) {
			return models.Errorf(models.ECONFLICT, "Support employee %s already has a valid token. Revoke it first to issue a new one.", email)
		}
		fresh := models.SupportStaff{ID: st.ID, Email: email, TokenHash: models.SecretHash(token), CreatedAt: models.At(now), ExpiresAt: models.At(now.Add(validFor))}
		if fresh.ID == "" {
			fresh.ID = models.NewID(now)
			st = fresh
			return tx.Create(&st).Error
		}
		st = fresh
		return tx.Model(&models.SupportStaff{}).Where("id = ?", st.ID).Updates(map[string]any{
			"token_hash": st.TokenHash, "created_at": st.CreatedAt, "expires_at": st.ExpiresAt, "revoked_at": models.Instant(0)}).Error
	})
	if err != nil {
		return models.SupportStaff{}, "", fmt.Errorf("create support employee: %w", err)
	}
	return st, token, nil
}

// RevokeSupportStaff ends a support employee's token at once. It reports
// false when the token was already revoked.
func (s *Store) RevokeSupportStaff(ctx context.Context, email string) (bool, error) {
	email, err := models.NormalizeEmail(email)
	if err != nil {
		return false, err
	}
	var st models.SupportStaff
	if err := s.db.WithContext(ctx).Where("email = ?", email).First(&st).Error; err != nil {
		return false, notFound(err, "support employee")
	}
	res := s.db.WithContext(ctx).Model(&models.SupportStaff{}).Where("id = ? AND revoked_at = 0", st.ID).Update("revoked_at", models.At(s.now()))
	if res.Error != nil {
		return false, fmt.Errorf("revoke support employee: %w", res.Error)
	}
	return res.RowsAffected == 1, nil
}

var qSupportStaffByToken = newQuery(`SELECT `+columnsOf((*nullStaff).targets, "s")+` FROM support_staff s WHERE s.token_hash = ? LIMIT 1`, "")

// SupportStaffByToken authenticates a bearer token. Unknown, revoked and
// expired tokens are all EUNAUTHORIZED.
func (s *Store) SupportStaffByToken(ctx context.Context, token string) (models.SupportStaff, error) {
	return supportStaffByToken(s.db.WithContext(ctx), token, s.now())
}

// supportStaffByToken authenticates a bearer token at now, reading through
// db (a transaction, or the pool).
func supportStaffByToken(db *gorm.DB, token string, now time.Time) (models.SupportStaff, error) {
	h, err := models.SupportTokenHash(token)
	if err != nil {
		return models.SupportStaff{}, err
	}
	var ns nullStaff
	err = queryRow(db, qSupportStaffByToken, h).Scan(ns.targets()...)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return models.SupportStaff{}, fmt.Errorf("authenticate support employee: %w", err)
	}
	return models.CheckSupportStaff(ns.staff(), h, now)
}

// nullStaff is a support employee read by a token's hash: every column is
// NULL (or the row missing) when nobody holds the token.
type nullStaff struct {
	ID, Email, TokenHash            sql.NullString
	CreatedAt, ExpiresAt, RevokedAt sql.NullInt64
}

func (s *nullStaff) targets() []any {
	return []any{&s.ID, &s.Email, &s.TokenHash, &s.CreatedAt, &s.ExpiresAt, &s.RevokedAt}
}

func (s *nullStaff) staff() models.SupportStaff {
	return models.SupportStaff{ID: s.ID.String, Email: s.Email.String, TokenHash: s.TokenHash.String,
		CreatedAt: models.Instant(s.CreatedAt.Int64), ExpiresAt: models.Instant(s.ExpiresAt.Int64), RevokedAt: models.Instant(s.RevokedAt.Int64)}
}
