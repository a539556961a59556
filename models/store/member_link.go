package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

// Invitation is what an owner fills in to invite a person: their email
// and one role, an organization role or a project role in one project (the
// person then is an Organization Member), as CreateUser takes them.
type Invitation struct {
	Email     string
	Role      models.Role
	ProjectID string
}

// InviteMember adds a person to the organization with a role. A new person
// gets a user without a password and a one-time link, valid for
// models.PasswordLinkLifetime, to set one: the token is returned, and only
// its hash is kept. A person who already has a login (in another
// organization) is added as they are, and the token is "".
func (s *Store) InviteMember(ctx context.Context, a models.Actor, orgID string, inv Invitation) (models.User, string, error) {
	if err := authorizeMembers(a.Principal, orgID); err != nil {
		return models.User{}, "", err
	}
	email, err := models.NormalizeEmail(inv.Email)
	if err != nil {
		return models.User{}, "", err
	}
	if !inv.Role.IsOrgRole() && !inv.Role.IsProjectRole() {
		return models.User{}, "", models.FieldError("role", "Choose a role.")
	}
	if inv.Role.IsProjectRole() && inv.ProjectID == "" {
		return models.User{}, "", models.FieldError("project", "A project role needs a project.")
	}
	var u models.User
	var token string
	err = s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
		token = ""
		if err := lockOrg(tx, a, orgID); err != nil {
			return err
		}
		if inv.Role.IsProjectRole() {
			projects, err := orgProjectIDs(tx, orgID)
			if err != nil {
				return err
			}
			if !projects[inv.ProjectID] {
				return models.FieldError("project", "No project with that id in this organization.")
			}
		}
		u = models.User{}
		if err := tx.Where("email = ?", email).Limit(1).Find(&u).Error; err != nil {
			return err
		}
		if u.ID == "" {
			u = models.User{ID: models.NewID(now), Email: email, CreatedAt: models.At(now)}
			if err := tx.Create(&u).Error; err != nil {
				return err
			}
		} else if _, _, err := memberIn(tx, orgID, u.ID); err == nil {
			return models.FieldError("email", "%s is already a member of this organization.", email)
		} else if err != errNoMember {
			return err
		}
		orgRole := inv.Role
		if inv.Role.IsProjectRole() {
			orgRole = models.OrgMember
			if err := tx.Create(&models.ProjectMembership{UserID: u.ID, ProjectID: inv.ProjectID, Role: inv.Role}).Error; err != nil {
				return err
			}
		}
		if err := tx.Create(&models.OrgMembership{UserID: u.ID, OrgID: orgID, Role: orgRole}).Error; err != nil {
			return err
		}
		if u.PasswordHash == "" {
			var err error
			if token, err = newPasswordLink(tx, now, u.ID, orgID, models.LinkInvitation, a.ID); err != nil {
				return err
			}
		}
		return memberEvent(tx, now, a, orgID, models.EventMemberInvited, email+" as "+inv.Role.Label())
	})
	if err != nil {
		return models.User{}, "", fmt.Errorf("invite member: %w", err)
	}
	return u, token, nil
}

// ResetMemberPassword clears a member's password, ends every session of
// theirs and returns a one-time link's token to set a new one. An owner
// may do it only for a person who belongs to no organization they do not
// own: otherwise inviting someone from elsewhere and resetting their
// password would take over their login there.
func (s *Store) ResetMemberPassword(ctx context.Context, a models.Actor, orgID, userID string) (models.User, string, error) {
	if err := authorizeMembers(a.Principal, orgID); err != nil {
		return models.User{}, "", err
	}
	var u models.User
	var token string
	err := s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
		if err := lockOrg(tx, a, orgID); err != nil {
			return err
		}
		var err error
		if u, _, err = memberIn(tx, orgID, userID); err != nil {
			return err
		}
		var orgs []string
		if err := tx.Model(&models.OrgMembership{}).Where("user_id = ?", userID).Pluck("org_id", &orgs).Error; err != nil {
			return err
		}
		for _, o := range orgs {
			if !models.CanManageCredentials(a.Principal, o) {
				return models.Errorf(models.EFORBIDDEN, "%s also belongs to an organization you do not own: only an operator can reset their password.", u.Email)
			}
		}
		if err := tx.Model(&models.User{}).Where("id = ?", userID).Update("password_hash", "").Error; err != nil {
			return err
		}
		if err := endLogins(tx, userID); err != nil {
			return err
		}
		if token, err = newPasswordLink(tx, now, userID, orgID, models.LinkReset, a.ID); err != nil {
			return err
		}
		return memberEvent(tx, now, a, orgID, models.EventMemberPasswordReset, u.Email)
	})
	if err != nil {
		return models.User{}, "", fmt.Errorf("reset password: %w", err)
	}
	return u, token, nil
}

// newPasswordLink makes a link for the user, in tx, and retires any
// earlier link of theirs still unused: only the newest one works.
func newPasswordLink(tx *gorm.DB, now time.Time, userID, orgID string, purpose models.LinkPurpose, by string) (string, error) {
	if err := tx.Model(&models.PasswordLink{}).Where("user_id = ? AND used_at = 0", userID).Update("used_at", models.At(now)).Error; err != nil {
		return "", err
	}
	token := models.RandomToken(32)
	l := models.PasswordLink{ID: models.SecretHash(token), UserID: userID, OrgID: orgID, Purpose: purpose, CreatedBy: by,
		CreatedAt: models.At(now), ExpiresAt: models.At(now.Add(models.PasswordLinkLifetime))}
	return token, tx.Create(&l).Error
}

// PasswordLinkInfo is what the page behind a link shows.
type PasswordLinkInfo struct {
	Link    models.PasswordLink
	Email   string
	OrgName string
}

// PasswordLinkFor reads a usable link by its token; any other token is
// models.ErrLinkUnusable.
func (s *Store) PasswordLinkFor(ctx context.Context, token string) (PasswordLinkInfo, error) {
	return s.passwordLink(s.db.WithContext(ctx), token, s.now())
}

func (s *Store) passwordLink(tx *gorm.DB, token string, now time.Time) (PasswordLinkInfo, error) {
	var out PasswordLinkInfo
	if token == "" || len(token) > 128 {
		return out, models.ErrLinkUnusable()
	}
	if err := tx.Where("id = ?", models.SecretHash(token)).Limit(1).Find(&out.Link).Error; err != nil {
		return out, fmt.Errorf("password link: %w", err)
	}
	if !out.Link.Usable(now) {
		return out, models.ErrLinkUnusable()
	}
	var u models.User
	var o models.Organization
	if err := tx.Where("id = ?", out.Link.UserID).First(&u).Error; err != nil {
		return out, fmt.Errorf("password link: %w", err)
	}
	if err := tx.Where("id = ?", out.Link.OrgID).First(&o).Error; err != nil {
		return out, fmt.Errorf("password link: %w", err)
	}
	out.Email, out.OrgName = u.Email, o.Name
	return out, nil
}

// UsePasswordLink sets the password through a link, once: the link is
// spent in the same transaction (a second use, at once or later, finds it
// used), every session of the user ends, and an invitation records that
// the person joined.
func (s *Store) UsePasswordLink(ctx context.Context, token, password string) (PasswordLinkInfo, error) {
	if err := models.ValidatePassword(password); err != nil {
		return PasswordLinkInfo{}, err
	}
	if _, err := s.PasswordLinkFor(ctx, token); err != nil {
		return PasswordLinkInfo{}, err
	}
	hash := models.HashPassword(password)
	var info PasswordLinkInfo
	err := s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
		var err error
		if info, err = s.passwordLink(tx, token, now); err != nil {
			return err
		}
		res := tx.Model(&models.PasswordLink{}).Where("id = ? AND used_at = 0", info.Link.ID).Update("used_at", models.At(now))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return models.ErrLinkUnusable()
		}
		if err := tx.Model(&models.User{}).Where("id = ?", info.Link.UserID).Update("password_hash", hash).Error; err != nil {
			return err
		}
		if err := endLogins(tx, info.Link.UserID); err != nil {
			return err
		}
		if info.Link.Purpose != models.LinkInvitation {
			return nil
		}
		who := models.Actor{Principal: models.Principal{Kind: models.ActorUser, ID: info.Link.UserID, Name: info.Email}}
		return memberEvent(tx, now, who, info.Link.OrgID, models.EventMemberJoined, info.Email)
	})
	if err != nil {
		return PasswordLinkInfo{}, fmt.Errorf("use password link: %w", err)
	}
	return info, nil
}
