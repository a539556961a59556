package models

import "time"

// People: an organization's owners manage its members (invite, change
// roles, remove, reset a password); the rules here are the ones the store
// enforces inside its transactions.

// PasswordLinkLifetime is how long an invitation or a password reset link
// stays usable: long enough for a weekend, short enough that a forwarded
// old mail is worthless.
const PasswordLinkLifetime = 72 * time.Hour

// LinkPurpose says what a one-time password link is for.
type LinkPurpose string

// The purposes of a password link.
const (
	LinkInvitation LinkPurpose = "INVITATION"
	LinkReset      LinkPurpose = "RESET"
)

// PasswordLink is a one-time link that lets a person set their password:
// an invitation to an organization or a reset by an owner. The row's id is
// the SHA-256 of the token the link carries, so that a copy of the
// database holds no usable link.
type PasswordLink struct {
	ID        string `gorm:"primaryKey"`
	UserID    string
	OrgID     string
	Purpose   LinkPurpose
	CreatedBy string
	CreatedAt Instant
	ExpiresAt Instant
	UsedAt    Instant
}

// Usable reports whether the link may still set a password at now.
func (l PasswordLink) Usable(now time.Time) bool {
	return l.ID != "" && l.UsedAt.IsZero() && now.Before(l.ExpiresAt.Time())
}

// ErrLinkUnusable is the one answer for a link that is unknown, used or
// expired: which of them it is tells an attacker nothing useful and the
// person the same thing, ask for a new one.
func ErrLinkUnusable() *Error {
	return Errorf(ENOTFOUND, "This link has expired or has already been used. Ask an Organization Owner of your organization for a new one.")
}

// ErrLastOwner refuses a change that would leave an organization without
// an owner, who alone can manage its members and its support access.
func ErrLastOwner() *Error {
	return Errorf(EINVALID, "This is the organization's last Organization Owner. Make another member an owner first.")
}

// OwnersLeft is how many owners an organization keeps when the member
// holding role from now holds role to, of owners before.
func OwnersLeft(owners int, from, to Role) int {
	switch {
	case from == OrgOwner && to != OrgOwner:
		return owners - 1
	case from != OrgOwner && to == OrgOwner:
		return owners + 1
	}
	return owners
}

// OrgRoles lists the organization roles, in the forms' order.
var OrgRoles = []Role{OrgOwner, OrgMember, OrgReadOnly}

// ProjectRoles lists the project roles, in the forms' order.
var ProjectRoles = []Role{ProjectOwner, ProjectSupportAccessManager, ProjectReadOnly}
