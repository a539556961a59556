package store

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"supportaccess/models"
)

// LockedLogins lists the members of organization orgID whose logins are
// locked now, for its owners; anyone else is refused.
func (s *Store) LockedLogins(ctx context.Context, p models.Principal, orgID string) ([]models.LoginLock, error) {
	if _, err := s.Org(ctx, p, orgID); err != nil {
		return nil, err
	}
	if !models.CanUnlockLogins(p, orgID) {
		return nil, models.Errorf(models.EFORBIDDEN, "Only an Organization Owner can see and lift login locks.")
	}
	var out []models.LoginLock
	err := s.db.WithContext(ctx).Table("login_locks AS l").Select("l.email, l.until").
		Joins("JOIN users u ON u.email = l.email").
		Joins("JOIN org_memberships m ON m.user_id = u.id").
		Where("m.org_id = ? AND l.until > ?", orgID, models.At(s.now())).
		Order("l.email").Scan(&out).Error
	return out, err
}

// UnlockMember lifts the login lock of the member of organization orgID
// with that email, as an owner: their failures are forgotten, and the
// organization's feed says who unlocked whom. An address that is not a
// member is not found, so that an owner learns nothing of other
// organizations' people.
func (s *Store) UnlockMember(ctx context.Context, a models.Actor, orgID, email string) error {
	if _, err := s.Org(ctx, a.Principal, orgID); err != nil {
		return err
	}
	if !models.CanUnlockLogins(a.Principal, orgID) {
		return models.Errorf(models.EFORBIDDEN, "Only an Organization Owner can lift login locks.")
	}
	email = strings.ToLower(strings.TrimSpace(email))
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Table("org_memberships AS m").Joins("JOIN users u ON u.id = m.user_id").
			Where("m.org_id = ? AND u.email = ?", orgID, email).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return models.Errorf(models.ENOTFOUND, "No member of this organization has that email address.")
		}
		if err := tx.Where("email = ?", email).Delete(&models.LoginFailure{}).Error; err != nil {
			return err
		}
		if err := tx.Exec(`DELETE FROM login_locks WHERE email = ?`, email).Error; err != nil {
			return err
		}
		return insertEvent(tx, s.now(), models.Event{OrgID: orgID, Type: models.EventLoginUnlocked, Detail: "Logins to " + email + " unlocked"}, a)
	})
}
