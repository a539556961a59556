package store

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"supportaccess/models"
)

var errThrottled = models.Errorf(models.ETOOMANY, "Too many failed logins. Wait 15 minutes and try again, or ask an Organization Owner to reset your password.")

// Login checks credentials like Authenticate, refusing attempts once the
// account or the address has failed too often, and records each failure.
// Reaching the account limit writes an event to the account's organizations.
func (s *Store) Login(ctx context.Context, email, password, remoteAddr string) (models.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	now := s.now()
	since := models.At(now.Add(-models.LoginFailureWindow))
	db := s.db.WithContext(ctx)
	var acct, addr int64
	if err := db.Model(&models.LoginFailure{}).Where("email = ? AND at > ?", email, since).Count(&acct).Error; err != nil {
		return models.User{}, fmt.Errorf("login: %w", err)
	}
	if err := db.Model(&models.LoginFailure{}).Where("remote_addr = ? AND at > ?", remoteAddr, since).Count(&addr).Error; err != nil {
		return models.User{}, fmt.Errorf("login: %w", err)
	}
	if models.LoginThrottled(acct, addr) {
		return models.User{}, errThrottled
	}
	u, err := s.Authenticate(ctx, email, password)
	if models.ErrorCode(err) != models.EUNAUTHORIZED {
		return u, err
	}
	ferr := db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&models.LoginFailure{ID: models.NewID(now), Email: email, RemoteAddr: remoteAddr, At: models.At(now)}).Error; err != nil {
			return err
		}
		if acct+1 != models.LoginMaxAccountFailures {
			return nil
		}
		var known models.User
		if err := tx.Where("email = ?", email).Limit(1).Find(&known).Error; err != nil || known.ID == "" {
			return err
		}
		var oms []models.OrgMembership
		if err := tx.Where("user_id = ?", known.ID).Find(&oms).Error; err != nil {
			return err
		}
		for _, m := range oms {
			ev := models.Event{OrgID: m.OrgID, Type: models.EventLoginLocked, Detail: fmt.Sprintf("%d failed logins for %s within 15 minutes", models.LoginMaxAccountFailures, email)}
			if err := insertEvent(tx, now, ev, models.Actor{Principal: models.Principal{Kind: models.ActorUser, ID: known.ID, Name: email}, RemoteAddr: remoteAddr}); err != nil {
				return err
			}
		}
		return nil
	})
	if ferr != nil {
		return models.User{}, fmt.Errorf("login: %w", ferr)
	}
	return models.User{}, err
}

// PruneLoginFailures forgets failures older than the throttling window.
func (s *Store) PruneLoginFailures(ctx context.Context) error {
	return s.db.WithContext(ctx).Where("at <= ?", models.At(s.now().Add(-models.LoginFailureWindow))).Delete(&models.LoginFailure{}).Error
}
