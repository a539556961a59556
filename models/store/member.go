package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

// Member is a person of an organization with their roles in it: the
// organization role and a role per project of it they belong to.
type Member struct {
	UserID       string
	Email        string
	OrgRole      models.Role
	ProjectRoles map[string]models.Role // by project id
	// Joined is false for a person invited who has not yet set a password.
	Joined    bool
	CreatedAt models.Instant
	// SecondFactor is whether they have an authenticator app or a passkey.
	SecondFactor bool
}

// memberRow is one org membership with its user, as Members reads it.
type memberRow struct {
	UserID       string
	Email        string
	OrgRole      models.Role
	Joined       bool
	CreatedAt    models.Instant
	SecondFactor bool
}

// Members lists an organization's members by email. Owners see everyone
// with their roles; anyone else who may see the organization sees who its
// owners are (whom to ask for access), and nothing of the others.
func (s *Store) Members(ctx context.Context, p models.Principal, orgID string) ([]Member, error) {
	if !models.CanViewOrg(p, orgID) {
		return nil, models.ErrNoOrg()
	}
	db := s.db.WithContext(ctx)
	q := db.Table("org_memberships m").Select("u.id AS user_id, u.email, m.role AS org_role, u.password_hash <> '' AS joined, u.created_at, "+
		"(EXISTS (SELECT 1 FROM totp_secrets t WHERE t.user_id = u.id AND t.confirmed_at <> 0) OR EXISTS (SELECT 1 FROM passkeys k WHERE k.user_id = u.id)) AS second_factor").
		Joins("JOIN users u ON u.id = m.user_id").Where("m.org_id = ?", orgID).Order("u.email")
	owner := models.CanManageCredentials(p, orgID)
	if !owner {
		q = q.Where("m.role = ?", models.OrgOwner)
	}
	var rows []memberRow
	if err := q.Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	out := make([]Member, len(rows))
	byID := make(map[string]*Member, len(rows))
	for i, r := range rows {
		out[i] = Member{UserID: r.UserID, Email: r.Email, OrgRole: r.OrgRole, Joined: r.Joined, CreatedAt: r.CreatedAt, SecondFactor: r.SecondFactor, ProjectRoles: map[string]models.Role{}}
		byID[r.UserID] = &out[i]
	}
	if !owner {
		return out, nil
	}
	var prs []struct {
		UserID    string
		ProjectID string
		Role      models.Role
	}
	if err := db.Table("project_memberships pm").Select("pm.user_id, pm.project_id, pm.role").
		Joins("JOIN projects p ON p.id = pm.project_id").Where("p.org_id = ?", orgID).Scan(&prs).Error; err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	for _, r := range prs {
		if m := byID[r.UserID]; m != nil {
			m.ProjectRoles[r.ProjectID] = r.Role
		}
	}
	return out, nil
}

// Member returns one member of an organization, for its owners.
func (s *Store) Member(ctx context.Context, p models.Principal, orgID, userID string) (Member, error) {
	if err := authorizeMembers(p, orgID); err != nil {
		return Member{}, err
	}
	ms, err := s.Members(ctx, p, orgID)
	if err != nil {
		return Member{}, err
	}
	for _, m := range ms {
		if m.UserID == userID {
			return m, nil
		}
	}
	return Member{}, errNoMember
}

var errNoMember = models.Errorf(models.ENOTFOUND, "No member with that id in this organization.")

// authorizeMembers is nil when p may manage the organization's members:
// not found for anyone who cannot see it, forbidden for its non-owners.
func authorizeMembers(p models.Principal, orgID string) error {
	if !models.CanViewOrg(p, orgID) {
		return models.ErrNoOrg()
	}
	if !models.CanManageCredentials(p, orgID) {
		return models.Errorf(models.EFORBIDDEN, "Only an Organization Owner can manage this organization's members.")
	}
	return nil
}

// lockOrg makes the changes to one organization's members take turns, on
// both databases: the last-owner rule reads the owners and then writes,
// and two owners demoting each other at once must not both succeed. Under
// the lock, a user acting must still be an owner: one demoted or removed
// a moment ago by another owner can no longer act on what they loaded.
func lockOrg(tx *gorm.DB, a models.Actor, orgID string) error {
	res := tx.Exec(`UPDATE organizations SET name = name WHERE id = ?`, orgID)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return models.ErrNoOrg()
	}
	if a.Kind != models.ActorUser {
		return nil
	}
	var n int64
	if err := tx.Model(&models.OrgMembership{}).Where("org_id = ? AND user_id = ? AND role = ?", orgID, a.ID, models.OrgOwner).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return authorizeMembers(models.Principal{OrgRoles: map[string]models.Role{orgID: models.OrgMember}}, orgID)
	}
	return nil
}

// memberIn finds a member of the organization and their role, in tx.
func memberIn(tx *gorm.DB, orgID, userID string) (models.User, models.Role, error) {
	var m models.OrgMembership
	if err := tx.Where("org_id = ? AND user_id = ?", orgID, userID).Limit(1).Find(&m).Error; err != nil {
		return models.User{}, "", err
	}
	if m.UserID == "" {
		return models.User{}, "", errNoMember
	}
	var u models.User
	if err := tx.Where("id = ?", userID).First(&u).Error; err != nil {
		return models.User{}, "", err
	}
	return u, m.Role, nil
}

// ownerCount counts the organization's owners, in tx.
func ownerCount(tx *gorm.DB, orgID string) (int, error) {
	var n int64
	err := tx.Model(&models.OrgMembership{}).Where("org_id = ? AND role = ?", orgID, models.OrgOwner).Count(&n).Error
	return int(n), err
}

// orgProjectIDs is the set of the organization's project ids, in tx.
func orgProjectIDs(tx *gorm.DB, orgID string) (map[string]bool, error) {
	var ids []string
	if err := tx.Model(&models.Project{}).Where("org_id = ?", orgID).Pluck("id", &ids).Error; err != nil {
		return nil, err
	}
	set := make(map[string]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return set, nil
}

// memberEvent records a change to a member, in tx.
func memberEvent(tx *gorm.DB, now time.Time, a models.Actor, orgID string, t models.EventType, detail string) error {
	return insertEvent(tx, now, models.Event{OrgID: orgID, Type: t, Detail: detail}, a)
}

// RoleChange is the roles an owner sets for a member: the organization
// role and, by project id, a project role ("" takes the member out of the
// project). Projects not named keep their roles.
type RoleChange struct {
	OrgRole      models.Role
	ProjectRoles map[string]models.Role
}

// SetMemberRoles changes a member's roles. The last owner cannot be
// demoted; every project named must be the organization's.
func (s *Store) SetMemberRoles(ctx context.Context, a models.Actor, orgID, userID string, ch RoleChange) error {
	if err := authorizeMembers(a.Principal, orgID); err != nil {
		return err
	}
	if !ch.OrgRole.IsOrgRole() {
		return models.FieldError("orgRole", "Choose an organization role.")
	}
	for _, r := range ch.ProjectRoles {
		if r != "" && !r.IsProjectRole() {
			return models.FieldError("projectRole", "Choose a project role, or no access.")
		}
	}
	return s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
		if err := lockOrg(tx, a, orgID); err != nil {
			return err
		}
		u, from, err := memberIn(tx, orgID, userID)
		if err != nil {
			return err
		}
		owners, err := ownerCount(tx, orgID)
		if err != nil {
			return err
		}
		if models.OwnersLeft(owners, from, ch.OrgRole) < 1 {
			return models.ErrLastOwner()
		}
		projects, err := orgProjectIDs(tx, orgID)
		if err != nil {
			return err
		}
		var changes []string
		if from != ch.OrgRole {
			if err := tx.Model(&models.OrgMembership{}).Where("org_id = ? AND user_id = ?", orgID, userID).Update("role", ch.OrgRole).Error; err != nil {
				return err
			}
			changes = append(changes, fmt.Sprintf("%s → %s", from.Label(), ch.OrgRole.Label()))
		}
		for pid, r := range ch.ProjectRoles {
			if !projects[pid] {
				return models.FieldError("projectRole", "No project with that id in this organization.")
			}
			if err := tx.Where("project_id = ? AND user_id = ?", pid, userID).Delete(&models.ProjectMembership{}).Error; err != nil {
				return err
			}
			if r != "" {
				if err := tx.Create(&models.ProjectMembership{UserID: userID, ProjectID: pid, Role: r}).Error; err != nil {
					return err
				}
			}
		}
		if len(ch.ProjectRoles) > 0 {
			changes = append(changes, "project roles set")
		}
		if len(changes) == 0 {
			return nil
		}
		return memberEvent(tx, now, a, orgID, models.EventMemberRolesChanged, u.Email+": "+strings.Join(changes, ", "))
	})
}

// RemoveMember takes a member out of the organization and its projects and
// ends every session of theirs at once, on every replica: a removed
// person's open browser can do nothing more. The last owner cannot be
// removed.
func (s *Store) RemoveMember(ctx context.Context, a models.Actor, orgID, userID string) (models.User, error) {
	if err := authorizeMembers(a.Principal, orgID); err != nil {
		return models.User{}, err
	}
	var u models.User
	err := s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
		if err := lockOrg(tx, a, orgID); err != nil {
			return err
		}
		var role models.Role
		var err error
		if u, role, err = memberIn(tx, orgID, userID); err != nil {
			return err
		}
		owners, err := ownerCount(tx, orgID)
		if err != nil {
			return err
		}
		if models.OwnersLeft(owners, role, "") < 1 {
			return models.ErrLastOwner()
		}
		projects, err := orgProjectIDs(tx, orgID)
		if err != nil {
			return err
		}
		for pid := range projects {
			if err := tx.Where("project_id = ? AND user_id = ?", pid, userID).Delete(&models.ProjectMembership{}).Error; err != nil {
				return err
			}
		}
		if err := tx.Where("org_id = ? AND user_id = ?", orgID, userID).Delete(&models.OrgMembership{}).Error; err != nil {
			return err
		}
		if err := tx.Model(&models.PasswordLink{}).Where("org_id = ? AND user_id = ? AND used_at = 0", orgID, userID).Update("used_at", models.At(now)).Error; err != nil {
			return err
		}
		if err := endLogins(tx, userID); err != nil {
			return err
		}
		return memberEvent(tx, now, a, orgID, models.EventMemberRemoved, u.Email+" ("+role.Label()+")")
	})
	if err != nil {
		return models.User{}, fmt.Errorf("remove member: %w", err)
	}
	return u, nil
}
