package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Login throttling, in one place: an account is locked after
// LoginMaxAccountFailures failed logins within LoginFailureWindow, and an
// address after LoginMaxAddrFailures (higher, since offices share an address).
const (
	LoginFailureWindow      = 15 * time.Minute
	LoginMaxAccountFailures = 5
	LoginMaxAddrFailures    = 20
)

func init() {
	registerMigration(6,
		`CREATE TABLE login_failures (id TEXT PRIMARY KEY, email TEXT NOT NULL, remote_addr TEXT NOT NULL, at BIGINT NOT NULL)`,
		`CREATE INDEX login_failures_email_at ON login_failures(email, at)`,
		`CREATE INDEX login_failures_addr_at ON login_failures(remote_addr, at)`,
	)
}

// LoginFailure is one failed login, kept for the throttling window. Rows
// live in the database so that every replica counts the same failures.
type LoginFailure struct {
	ID         string `gorm:"primaryKey"`
	Email      string
	RemoteAddr string
	At         Instant
}

// LoginThrottled reports whether another attempt must be refused, given
// the failures counted within the window.
func LoginThrottled(accountFailures, addrFailures int64) bool {
	return accountFailures >= LoginMaxAccountFailures || addrFailures >= LoginMaxAddrFailures
}

var errThrottled = Errorf(ETOOMANY, "Too many failed logins. Wait 15 minutes and try again, or ask an Organization Owner to reset your password.")

// Login checks credentials like Authenticate, refusing attempts once the
// account or the address has failed too often, and records each failure.
// Reaching the account limit writes an event to the account's organizations.
func (s *Store) Login(ctx context.Context, email, password, remoteAddr string) (User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	now := s.now()
	since := At(now.Add(-LoginFailureWindow))
	db := s.DB.WithContext(ctx)
	var acct, addr int64
	if err := db.Model(&LoginFailure{}).Where("email = ? AND at > ?", email, since).Count(&acct).Error; err != nil {
		return User{}, fmt.Errorf("login: %w", err)
	}
	if err := db.Model(&LoginFailure{}).Where("remote_addr = ? AND at > ?", remoteAddr, since).Count(&addr).Error; err != nil {
		return User{}, fmt.Errorf("login: %w", err)
	}
	if LoginThrottled(acct, addr) {
		return User{}, errThrottled
	}
	u, err := s.Authenticate(ctx, email, password)
	if ErrorCode(err) != EUNAUTHORIZED {
		return u, err
	}
	ferr := db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&LoginFailure{ID: NewID(now), Email: email, RemoteAddr: remoteAddr, At: At(now)}).Error; err != nil {
			return err
		}
		if acct+1 != LoginMaxAccountFailures {
			return nil
		}
		var known User
		if err := tx.Where("email = ?", email).Limit(1).Find(&known).Error; err != nil || known.ID == "" {
			return err
		}
		var oms []OrgMembership
		if err := tx.Where("user_id = ?", known.ID).Find(&oms).Error; err != nil {
			return err
		}
		for _, m := range oms {
			ev := Event{OrgID: m.OrgID, Type: EventLoginLocked, Detail: fmt.Sprintf("%d failed logins for %s within 15 minutes", LoginMaxAccountFailures, email)}
			if err := insertEvent(tx, now, ev, Actor{Principal: Principal{Kind: ActorUser, ID: known.ID, Name: email}, RemoteAddr: remoteAddr}); err != nil {
				return err
			}
		}
		return nil
	})
	if ferr != nil {
		return User{}, fmt.Errorf("login: %w", ferr)
	}
	return User{}, err
}

// PruneLoginFailures forgets failures older than the throttling window.
func (s *Store) PruneLoginFailures(ctx context.Context) error {
	return s.DB.WithContext(ctx).Where("at <= ?", At(s.now().Add(-LoginFailureWindow))).Delete(&LoginFailure{}).Error
}
