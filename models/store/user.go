package store

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

// CreateUser creates a user with a role in an organization and, for a
// project role, in one project (the user then is an Organization Member).
func (s *Store) CreateUser(ctx context.Context, email, password, orgID string, role models.Role, projectID string) (models.User, error) {
	email, err := models.NormalizeEmail(email)
	if err != nil {
		return models.User{}, err
	}
	if err := models.ValidatePassword(password); err != nil {
		return models.User{}, err
	}
	if role.IsProjectRole() && projectID == "" {
		return models.User{}, models.FieldError("project", "Role %s needs a project.", role)
	}
	now := s.now()
	u := models.User{ID: models.NewID(now), Email: email, PasswordHash: models.HashPassword(password), CreatedAt: models.At(now)}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&u).Error; err != nil {
			if isUniqueViolation(err) {
				return models.FieldError("email", "A user with email %s already exists.", email)
			}
			return err
		}
		orgRole := role
		if role.IsProjectRole() {
			orgRole = models.OrgMember
		}
		if err := tx.Create(&models.OrgMembership{UserID: u.ID, OrgID: orgID, Role: orgRole}).Error; err != nil {
			return err
		}
		if role.IsProjectRole() {
			return tx.Create(&models.ProjectMembership{UserID: u.ID, ProjectID: projectID, Role: role}).Error
		}
		return nil
	})
	if err != nil {
		return models.User{}, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

// Authenticate checks an email and password. Every failure is the same
// error, and an unknown email costs the same time as a wrong password.
func (s *Store) Authenticate(ctx context.Context, email, password string) (models.User, error) {
	bad := models.Errorf(models.EUNAUTHORIZED, "Incorrect email or password.")
	var u models.User
	email = strings.ToLower(strings.TrimSpace(email))
	err := s.db.WithContext(ctx).Where("email = ?", email).Limit(1).Find(&u).Error
	if err != nil {
		return models.User{}, fmt.Errorf("authenticate: %w", err)
	}
	// An unknown email takes a slot and a check like a known one, so that
	// neither the time nor the refusals tell them apart; so does a person
	// invited who has not yet set a password (an empty hash).
	ok := false
	if err := s.Hashes.Do(ctx, func() {
		if u.ID == "" || u.PasswordHash == "" {
			models.CheckPasswordOfNobody(password)
			return
		}
		ok = models.CheckPassword(u.PasswordHash, password)
	}); err != nil {
		return models.User{}, err
	}
	if !ok {
		return models.User{}, bad
	}
	return u, nil
}

// SetPassword changes a user's password and ends every session of theirs.
func (s *Store) SetPassword(ctx context.Context, userID, password string) error {
	if err := models.ValidatePassword(password); err != nil {
		return err
	}
	var u models.User
	if err := s.db.WithContext(ctx).Where("id = ?", userID).Limit(1).Find(&u).Error; err != nil {
		return err
	}
	if u.ID == "" {
		return models.Errorf(models.ENOTFOUND, "No such user.")
	}
	// The new password may not be the current one: a change that keeps
	// the password ends every session but protects nothing. The check is
	// an argon2id verification, so it waits for a slot like a login.
	same := false
	if err := s.Hashes.Do(ctx, func() { same = models.CheckPassword(u.PasswordHash, password) }); err != nil {
		return err
	}
	if same {
		return models.FieldError("password", "The new password is the current one. Choose another.")
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&models.User{}).Where("id = ?", userID).Update("password_hash", models.HashPassword(password)).Error; err != nil {
			return err
		}
		return tx.Where("user_id = ?", userID).Delete(&models.Session{}).Error
	})
}

// UserByEmail finds a user, for operator commands.
func (s *Store) UserByEmail(ctx context.Context, email string) (models.User, error) {
	var u models.User
	err := s.db.WithContext(ctx).Where("email = ?", strings.ToLower(strings.TrimSpace(email))).First(&u).Error
	return u, notFound(err, "user")
}

// Kinds of row of the statements below that read a principal's roles,
// written as literals in their first column: each row says what it holds,
// so that the reader needs no order between the parts of a UNION ALL
// (PostgreSQL promises none).
const (
	rowSession     = 0
	rowOrgRole     = 1
	rowProjectRole = 2
)

// rolesSQL is the part of a statement that reads a user's memberships: a
// row of kind rowOrgRole per organization and rowProjectRole per project,
// with pad (the columns the statement's other rows fill and these leave
// empty, each followed by a comma), the organization or project id, and
// the role. join, between each membership table m and WHERE, and where
// name the user.
func rolesSQL(pad, join, where string) string {
	return fmt.Sprintf(`SELECT %[1]d, %[3]s m.org_id, m.role FROM org_memberships m %[4]s WHERE %[5]s
	UNION ALL SELECT %[2]d, %[3]s m.project_id, m.role FROM project_memberships m %[4]s WHERE %[5]s`,
		rowOrgRole, rowProjectRole, pad, join, where)
}

// qUserRoles reads both membership tables of a user in one statement: the
// roles are read on every console request, and each statement costs far
// more than the rows it returns. Its columns are those of roleRow.
var qUserRoles = newQuery(rolesSQL("", "", "m.user_id = ?"), "")

// roleRow is one row of qUserRoles.
type roleRow struct {
	kind     int
	id, role string
}

func (r *roleRow) targets() []any { return []any{&r.kind, &r.id, &r.role} }

// add puts the role the row holds, if any, into p.
func (r *roleRow) add(p *models.Principal) {
	switch r.kind {
	case rowOrgRole:
		p.OrgRoles[r.id] = models.Role(r.role)
	case rowProjectRole:
		p.ProjectRoles[r.id] = models.Role(r.role)
	}
}

// scanRows scans each row of rows into dest and calls each after it; it
// closes rows.
func scanRows(rows *sql.Rows, dest []any, each func()) error {
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		each()
	}
	return rows.Err()
}

// userPrincipal is a user's principal with no roles yet.
func userPrincipal(u models.User) models.Principal {
	return models.Principal{Kind: models.ActorUser, ID: u.ID, Name: u.Email, OrgRoles: map[string]models.Role{}, ProjectRoles: map[string]models.Role{}}
}

// UserPrincipal loads a user's roles.
func (s *Store) UserPrincipal(ctx context.Context, u models.User) (models.Principal, error) {
	p := userPrincipal(u)
	rows, err := readRows(s.db.WithContext(ctx), qUserRoles, u.ID, u.ID)
	if err != nil {
		return p, fmt.Errorf("load roles: %w", err)
	}
	var r roleRow
	if err := scanRows(rows, r.targets(), func() { r.add(&p) }); err != nil {
		return p, fmt.Errorf("load roles: %w", err)
	}
	return p, nil
}

// CreateSession starts a console session for a user, with a fresh id and
// CSRF token. The id is the bearer value the cookie carries; the database
// keeps only its SHA-256 (models.SecretHash), so that a copy of the
// database holds no live login.
func (s *Store) CreateSession(ctx context.Context, userID string) (models.Session, error) {
	now := s.now()
	ss := models.Session{ID: models.RandomToken(32), UserID: userID, CSRFToken: models.RandomToken(32), CreatedAt: models.At(now), LastSeen: models.At(now)}
	row := ss
	row.ID = models.SecretHash(ss.ID)
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return models.Session{}, fmt.Errorf("create session: %w", err)
	}
	return ss, nil
}

// qResumeSession reads a session, its user and the user's roles in one
// statement, since it runs on every console request: a row of kind
// rowSession (none when there is no such session) and a row per role, of
// the kinds of qUserRoles. The outer join keeps a session whose user is
// gone, so that it still expires (and is deleted) the way it always did.
// The columns are those of resumeRow.
var qResumeSession = newQuery(fmt.Sprintf(`SELECT %d, s.id, s.user_id, s.csrf_token, s.created_at, s.last_seen, COALESCE(u.id, ''), COALESCE(u.email, ''), '', ''
		FROM sessions s LEFT JOIN users u ON u.id = s.user_id WHERE s.id = ?
	UNION ALL `, rowSession)+rolesSQL(`'', '', '', 0, 0, '', '',`, "JOIN sessions s ON s.user_id = m.user_id", "s.id = ?"), "")

// resumeRow is one row of qResumeSession: a session and its user, or a
// role.
type resumeRow struct {
	role    roleRow
	session models.Session
	user    models.User
}

func (r *resumeRow) targets() []any {
	return []any{&r.role.kind, &r.session.ID, &r.session.UserID, &r.session.CSRFToken, &r.session.CreatedAt, &r.session.LastSeen,
		&r.user.ID, &r.user.Email, &r.role.id, &r.role.role}
}

// The writes of ResumeSession: noting a session's use, deleting it expired
// (and EndSession's, deleting it at logout).
var (
	qTouchSession  = newQuery(`UPDATE sessions SET last_seen = ? WHERE id = ?`, "")
	qDeleteSession = newQuery(`DELETE FROM sessions WHERE id = ?`, "")
)

// errSessionEnded is the one answer for a session that is missing, ended
// or expired.
var errSessionEnded = models.Errorf(models.EUNAUTHORIZED, "Your session has ended. Log in again.")

// ResumeSession finds a live session and its user's principal, and notes
// its use (at most once a minute, to spare the database a write per
// request).
func (s *Store) ResumeSession(ctx context.Context, id string) (models.Session, models.Principal, error) {
	if id == "" {
		return models.Session{}, models.Principal{}, errSessionEnded
	}
	db := s.db.WithContext(ctx)
	key := models.SecretHash(id)
	ss, p, err := readSession(db, key)
	if err != nil {
		return models.Session{}, models.Principal{}, fmt.Errorf("resume session: %w", err)
	}
	if ss.ID == "" || subtle.ConstantTimeCompare([]byte(ss.ID), []byte(key)) != 1 {
		return models.Session{}, models.Principal{}, errSessionEnded
	}
	ss.ID = id
	now := s.now()
	if models.SessionExpired(ss, now) {
		_, _ = exec(db, qDeleteSession, key)
		return models.Session{}, models.Principal{}, errSessionEnded
	}
	if p.ID == "" {
		return models.Session{}, models.Principal{}, errSessionEnded
	}
	if now.Sub(ss.LastSeen.Time()) > time.Minute {
		ss.LastSeen = models.At(now)
		_, _ = exec(db, qTouchSession, int64(ss.LastSeen), key)
	}
	return ss, p, nil
}

// readSession runs qResumeSession on a session's stored key (the hash of
// its id): the session (zero if there is none) and its user's principal
// (zero ID if the user is gone).
func readSession(db *gorm.DB, id string) (models.Session, models.Principal, error) {
	var ss models.Session
	p := userPrincipal(models.User{})
	rows, err := readRows(db, qResumeSession, id, id, id)
	if err != nil {
		return ss, p, err
	}
	var r resumeRow
	err = scanRows(rows, r.targets(), func() {
		if r.role.kind != rowSession {
			r.role.add(&p)
			return
		}
		ss = r.session
		p.ID, p.Name = r.user.ID, r.user.Email
	})
	return ss, p, err
}

// EndSession deletes one session, named by its id.
func (s *Store) EndSession(ctx context.Context, id string) error {
	_, err := exec(s.db.WithContext(ctx), qDeleteSession, models.SecretHash(id))
	return err
}

// EndUserSessions deletes every session of a user: logging out in one
// browser logs out all of them, so a forgotten or stolen session ends too.
func (s *Store) EndUserSessions(ctx context.Context, userID string) error {
	return s.db.WithContext(ctx).Delete(&models.Session{}, "user_id = ?", userID).Error
}

// Setting reads a stored setting, or "" if it is not set.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var st models.Setting
	err := s.db.WithContext(ctx).Where("key = ?", key).Limit(1).Find(&st).Error
	return st.Value, err
}

// SettingOrCreate returns a stored setting, storing make()'s value first if
// it is missing. When replicas race, the first stored value wins for all.
func (s *Store) SettingOrCreate(ctx context.Context, key string, make func() string) (string, error) {
	v, err := s.Setting(ctx, key)
	if err != nil || v != "" {
		return v, err
	}
	err = s.db.WithContext(ctx).Create(&models.Setting{Key: key, Value: make()}).Error
	if err != nil && !isUniqueViolation(err) {
		return "", err
	}
	return s.Setting(ctx, key)
}
