package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

var (
	errThrottled = models.Errorf(models.ETOOMANY, "Too many failed logins. Wait 15 minutes and try again, log in from a browser you have logged in with before, or ask an operator to unlock the account.")
	errSlowDown  = models.Errorf(models.ETOOMANY, "Too many failed logins from here. Wait a little and try again.")
)

// Login checks credentials like Authenticate, under the throttling rules
// of models/login.go, and records each failure. device is the known
// device the attempt comes from ("" for none): it meets only its own
// delays. Reaching the account limit writes an event to the account's
// organizations, once per lock.
//
// The attempt is reserved before it is counted: its row is written (and
// committed) first, then the rows beside it are counted, so that of any
// number of attempts at once no more than the limits allow are checked.
// A checked attempt that fails keeps its row as the failure; one that
// succeeds or is refused takes it back.
func (s *Store) Login(ctx context.Context, email, password, remoteAddr, device string) (models.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	var u models.User
	err := s.throttle(ctx, email, remoteAddr, device, func() error {
		var err error
		u, err = s.Authenticate(ctx, email, password)
		return err
	})
	if err != nil {
		return models.User{}, err
	}
	return u, nil
}

// throttle runs check, a guess at account's secret (a password, or a
// second factor's code), under the rules of Login: check's EUNAUTHORIZED
// is a failure and counts, anything else takes the attempt back.
func (s *Store) throttle(ctx context.Context, account, remoteAddr, device string, check func() error) error {
	now := s.now()
	db := s.db.WithContext(ctx)
	attempt := models.LoginFailure{ID: models.NewID(now), Email: account, RemoteAddr: models.LoginSource(remoteAddr), Device: device, At: models.At(now)}
	if err := db.Create(&attempt).Error; err != nil {
		return fmt.Errorf("login: %w", err)
	}
	takeBack := func() error {
		// Not ctx: a request that is gone must still take its row back.
		return s.db.Where("id = ?", attempt.ID).Delete(&models.LoginFailure{}).Error
	}
	c, err := s.loginCounts(db, attempt, now)
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	if refused, locked := models.LoginRefused(c, device != "", now); refused {
		if err := takeBack(); err != nil {
			return fmt.Errorf("login: %w", err)
		}
		if locked {
			return errThrottled
		}
		return errSlowDown
	}
	err = check()
	if models.ErrorCode(err) != models.EUNAUTHORIZED {
		if terr := takeBack(); terr != nil {
			return fmt.Errorf("login: %w", terr)
		}
		return err
	}
	if device != "" || c.Account+1 < models.LoginMaxAccountFailures {
		return err
	}
	if lerr := s.recordLock(ctx, now, account, remoteAddr); lerr != nil {
		return fmt.Errorf("login: %w", lerr)
	}
	return err
}

// loginCounts counts the failures (and reserved attempts) beside a, within
// the window.
func (s *Store) loginCounts(db *gorm.DB, a models.LoginFailure, now time.Time) (models.LoginCounts, error) {
	since := models.At(now.Add(-models.LoginFailureWindow))
	var c models.LoginCounts
	src := db.Model(&models.LoginFailure{}).Where("email = ? AND at > ? AND id <> ? AND device = ?", a.Email, since, a.ID, a.Device)
	if a.Device == "" {
		src = src.Where("remote_addr = ?", a.RemoteAddr)
	}
	var row struct {
		N    int64
		Last int64
	}
	if err := src.Select("COUNT(*) AS n, COALESCE(MAX(at), 0) AS last").Scan(&row).Error; err != nil {
		return c, err
	}
	c.Source, c.LastSource = row.N, models.Instant(row.Last)
	if a.Device != "" {
		return c, nil
	}
	if err := db.Model(&models.LoginFailure{}).Where("email = ? AND at > ? AND id <> ? AND device = ''", a.Email, since, a.ID).Count(&c.Account).Error; err != nil {
		return c, err
	}
	if err := db.Model(&models.LoginFailure{}).Where("remote_addr = ? AND at > ? AND id <> ? AND device = ''", a.RemoteAddr, since, a.ID).Count(&c.Addr).Error; err != nil {
		return c, err
	}
	return c, nil
}

// recordLock notes that email reached the account limit and, unless a lock
// of it is already in force, writes the event to its organizations: the
// lock row's upsert lets exactly one of the failures that cross the limit
// at once write the event.
func (s *Store) recordLock(ctx context.Context, now time.Time, email, remoteAddr string) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		until := models.At(now.Add(models.LoginFailureWindow))
		res := tx.Exec(`INSERT INTO login_locks (email, until) VALUES (?, ?)
			ON CONFLICT (email) DO UPDATE SET until = excluded.until WHERE login_locks.until <= ?`, email, until, models.At(now))
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
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
}

// UnlockLogin forgets the failed logins of email and its lock, so that its
// owner may log in again at once: what an Organization Owner or an
// operator does for someone locked out by another's guesses.
func (s *Store) UnlockLogin(ctx context.Context, email string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// The second factor's failures count under their own key (mfa.go).
		keys := []string{email, secondFactorKey(email)}
		if err := tx.Where("email IN ?", keys).Delete(&models.LoginFailure{}).Error; err != nil {
			return err
		}
		return tx.Exec(`DELETE FROM login_locks WHERE email IN ?`, keys).Error
	})
}

// PruneLoginFailures forgets failures older than the throttling window,
// and locks no longer in force.
func (s *Store) PruneLoginFailures(ctx context.Context) error {
	now := s.now()
	db := s.db.WithContext(ctx)
	if err := db.Where("at <= ?", models.At(now.Add(-models.LoginFailureWindow))).Delete(&models.LoginFailure{}).Error; err != nil {
		return err
	}
	return db.Exec(`DELETE FROM login_locks WHERE until <= ?`, models.At(now)).Error
}
