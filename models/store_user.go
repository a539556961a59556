package models

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Session lifetimes: a session ends after this long without use, and after
// the absolute limit whatever its use.
const (
	SessionIdleTimeout     = 2 * time.Hour
	SessionAbsoluteTimeout = 12 * time.Hour
)

// NormalizeEmail trims and lower-cases an email address and checks its form.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return "", FieldError("email", "%q is not an email address.", s)
	}
	return s, nil
}

// CreateUser creates a user with a role in an organization and, for a
// project role, in one project (the user then is an Organization Member).
func (s *Store) CreateUser(ctx context.Context, email, password, orgID string, role Role, projectID string) (User, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return User{}, err
	}
	if err := ValidatePassword(password); err != nil {
		return User{}, err
	}
	if role.IsProjectRole() && projectID == "" {
		return User{}, FieldError("project", "Role %s needs a project.", role)
	}
	now := s.now()
	u := User{ID: NewID(now), Email: email, PasswordHash: HashPassword(password), CreatedAt: At(now)}
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&u).Error; err != nil {
			if isUniqueViolation(err) {
				return FieldError("email", "A user with email %s already exists.", email)
			}
			return err
		}
		orgRole := role
		if role.IsProjectRole() {
			orgRole = OrgMember
		}
		if err := tx.Create(&OrgMembership{UserID: u.ID, OrgID: orgID, Role: orgRole}).Error; err != nil {
			return err
		}
		if role.IsProjectRole() {
			return tx.Create(&ProjectMembership{UserID: u.ID, ProjectID: projectID, Role: role}).Error
		}
		return nil
	})
	if err != nil {
		return User{}, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

// Authenticate checks an email and password. Every failure is the same
// error, and an unknown email costs the same time as a wrong password.
func (s *Store) Authenticate(ctx context.Context, email, password string) (User, error) {
	bad := Errorf(EUNAUTHORIZED, "Incorrect email or password.")
	var u User
	email = strings.ToLower(strings.TrimSpace(email))
	err := s.DB.WithContext(ctx).Where("email = ?", email).Limit(1).Find(&u).Error
	if err != nil {
		return User{}, fmt.Errorf("authenticate: %w", err)
	}
	if u.ID == "" {
		CheckPassword(dummyHash(), password)
		return User{}, bad
	}
	if !CheckPassword(u.PasswordHash, password) {
		return User{}, bad
	}
	return u, nil
}

// SetPassword changes a user's password and ends every session of theirs.
func (s *Store) SetPassword(ctx context.Context, userID, password string) error {
	if err := ValidatePassword(password); err != nil {
		return err
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&User{}).Where("id = ?", userID).Update("password_hash", HashPassword(password)).Error; err != nil {
			return err
		}
		return tx.Where("user_id = ?", userID).Delete(&Session{}).Error
	})
}

// UserByEmail finds a user, for operator commands.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	var u User
	err := s.DB.WithContext(ctx).Where("email = ?", strings.ToLower(strings.TrimSpace(email))).First(&u).Error
	return u, notFound(err, "user")
}

// UserPrincipal loads a user's roles.
func (s *Store) UserPrincipal(ctx context.Context, u User) (Principal, error) {
	p := Principal{Kind: ActorUser, ID: u.ID, Name: u.Email, OrgRoles: map[string]Role{}, ProjectRoles: map[string]Role{}}
	// Both membership tables in one statement: this runs on every console
	// request, and each statement costs far more than the rows it returns.
	var ms []struct {
		Project bool
		ID      string
		Role    Role
	}
	err := s.DB.WithContext(ctx).Raw(`SELECT FALSE AS project, org_id AS id, role FROM org_memberships WHERE user_id = ?
		UNION ALL SELECT TRUE, project_id, role FROM project_memberships WHERE user_id = ?`, u.ID, u.ID).Scan(&ms).Error
	if err != nil {
		return p, fmt.Errorf("load roles: %w", err)
	}
	for _, m := range ms {
		if m.Project {
			p.ProjectRoles[m.ID] = m.Role
		} else {
			p.OrgRoles[m.ID] = m.Role
		}
	}
	return p, nil
}

// CreateSession starts a console session for a user, with a fresh id and
// CSRF token.
func (s *Store) CreateSession(ctx context.Context, userID string) (Session, error) {
	now := s.now()
	ss := Session{ID: RandomToken(32), UserID: userID, CSRFToken: RandomToken(32), CreatedAt: At(now), LastSeen: At(now)}
	if err := s.DB.WithContext(ctx).Create(&ss).Error; err != nil {
		return Session{}, fmt.Errorf("create session: %w", err)
	}
	return ss, nil
}

// SessionExpired reports whether a session has passed its idle or absolute
// limit at now.
func SessionExpired(ss Session, now time.Time) bool {
	return now.Sub(ss.LastSeen.Time()) >= SessionIdleTimeout || now.Sub(ss.CreatedAt.Time()) >= SessionAbsoluteTimeout
}

// sessionWithUser is a session row and its user's, read in one statement.
// The user is zero when the session names no existing user.
type sessionWithUser struct {
	Session Session `gorm:"embedded;embeddedPrefix:s_"`
	User    User    `gorm:"embedded;embeddedPrefix:u_"`
}

// ResumeSession finds a live session and its user, and notes its use
// (at most once a minute, to spare the database a write per request).
func (s *Store) ResumeSession(ctx context.Context, id string) (Session, User, error) {
	var ss Session
	var u User
	none := Errorf(EUNAUTHORIZED, "Your session has ended. Log in again.")
	if id == "" {
		return ss, u, none
	}
	db := s.DB.WithContext(ctx)
	// The session and its user in one statement, since this runs on every
	// console request. The outer join keeps a session whose user is gone,
	// so that it still expires (and is deleted) the way it always did.
	var rows []sessionWithUser
	err := db.Raw(`SELECT s.id AS s_id, s.user_id AS s_user_id, s.csrf_token AS s_csrf_token, s.created_at AS s_created_at, s.last_seen AS s_last_seen,
		u.id AS u_id, u.email AS u_email, u.password_hash AS u_password_hash, u.created_at AS u_created_at
		FROM sessions s LEFT JOIN users u ON u.id = s.user_id WHERE s.id = ? LIMIT 1`, id).Scan(&rows).Error
	if err != nil {
		return ss, u, fmt.Errorf("resume session: %w", err)
	}
	if len(rows) == 1 {
		ss = rows[0].Session
	}
	if ss.ID == "" || subtle.ConstantTimeCompare([]byte(ss.ID), []byte(id)) != 1 {
		return Session{}, u, none
	}
	now := s.now()
	if SessionExpired(ss, now) {
		db.Delete(&Session{}, "id = ?", id)
		return Session{}, u, none
	}
	if u = rows[0].User; u.ID == "" {
		return Session{}, User{}, none
	}
	if now.Sub(ss.LastSeen.Time()) > time.Minute {
		ss.LastSeen = At(now)
		db.Model(&Session{}).Where("id = ?", id).Update("last_seen", ss.LastSeen)
	}
	return ss, u, nil
}

// EndSession deletes one session.
func (s *Store) EndSession(ctx context.Context, id string) error {
	return s.DB.WithContext(ctx).Delete(&Session{}, "id = ?", id).Error
}

// EndUserSessions deletes every session of a user: logging out in one
// browser logs out all of them, so a forgotten or stolen session ends too.
func (s *Store) EndUserSessions(ctx context.Context, userID string) error {
	return s.DB.WithContext(ctx).Delete(&Session{}, "user_id = ?", userID).Error
}

// Setting reads a stored setting, or "" if it is not set.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var st Setting
	err := s.DB.WithContext(ctx).Where("key = ?", key).Limit(1).Find(&st).Error
	return st.Value, err
}

// SettingOrCreate returns a stored setting, storing make()'s value first if
// it is missing. When replicas race, the first stored value wins for all.
func (s *Store) SettingOrCreate(ctx context.Context, key string, make func() string) (string, error) {
	v, err := s.Setting(ctx, key)
	if err != nil || v != "" {
		return v, err
	}
	err = s.DB.WithContext(ctx).Create(&Setting{Key: key, Value: make()}).Error
	if err != nil && !isUniqueViolation(err) {
		return "", err
	}
	return s.Setting(ctx, key)
}
