package models

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"
)

// Actor is who makes a change and from where, for the activity feed.
type Actor struct {
	Principal
	RemoteAddr string
}

// CreateOrg creates an organization.
func (s *Store) CreateOrg(ctx context.Context, name string) (Organization, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return Organization{}, FieldError("name", "An organization needs a name.")
	}
	o := Organization{ID: NewID(s.now()), Name: name, CreatedAt: At(s.now())}
	if err := s.DB.WithContext(ctx).Create(&o).Error; err != nil {
		if isUniqueViolation(err) {
			return Organization{}, FieldError("name", "An organization named %q already exists.", name)
		}
		return Organization{}, fmt.Errorf("create organization: %w", err)
	}
	return o, nil
}

// OrgByName finds an organization by name, for operator commands.
func (s *Store) OrgByName(ctx context.Context, name string) (Organization, error) {
	var o Organization
	err := s.DB.WithContext(ctx).Where("name = ?", name).First(&o).Error
	if err != nil {
		return o, notFound(err, "organization")
	}
	return o, nil
}

// Org returns an organization p may see.
func (s *Store) Org(ctx context.Context, p Principal, id string) (Organization, error) {
	var o Organization
	if !CanViewOrg(p, id) {
		return o, errNoOrg()
	}
	if err := s.DB.WithContext(ctx).First(&o, "id = ?", id).Error; err != nil {
		return o, notFound(err, "organization")
	}
	return o, nil
}

// Orgs lists the organizations p may see, by name. Every console page
// lists them in its menu, so they are read without GORM (scan.go).
func (s *Store) Orgs(ctx context.Context, p Principal) ([]Organization, error) {
	if len(p.OrgRoles) == 0 {
		return nil, nil
	}
	ids := make([]any, 0, len(p.OrgRoles))
	for id := range p.OrgRoles {
		ids = append(ids, id)
	}
	rows, err := readRows(s.DB.WithContext(ctx), orgsQuery(len(ids)), ids...)
	if err != nil {
		return nil, fmt.Errorf("list organizations: %w", err)
	}
	defer rows.Close()
	out := make([]Organization, 0, len(ids))
	var o Organization
	dest := o.targets()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("list organizations: %w", err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list organizations: %w", err)
	}
	return out, nil
}

// orgsQueries holds the statement that lists n organizations by id, by n:
// one per number of organizations a principal belongs to, made once.
var orgsQueries sync.Map

// orgsQuery is the statement that lists n organizations by id.
func orgsQuery(n int) query {
	if q, ok := orgsQueries.Load(n); ok {
		return q.(query)
	}
	q, _ := orgsQueries.LoadOrStore(n, newQuery(`SELECT `+orgCols+` FROM organizations o WHERE o.id IN (?`+strings.Repeat(", ?", n-1)+`) ORDER BY o.name`, ""))
	return q.(query)
}

// SetBlock turns the organization's block setting on or off. Only an
// organization owner may; a change writes one event, no change writes none.
func (s *Store) SetBlock(ctx context.Context, a Actor, orgID string, on bool) (Organization, error) {
	var org Organization
	if !CanViewOrg(a.Principal, orgID) {
		return org, errNoOrg()
	}
	if !CanChangeBlock(a.Principal, orgID) {
		return org, Errorf(EFORBIDDEN, "Only an Organization Owner can change this setting.")
	}
	err := s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
		var err error
		org, err = setBlock(tx, now, a, orgID, on)
		return err
	})
	return org, err
}

// setBlock turns the block setting on or off in the caller's transaction,
// writing one event for a change and none for no change. The caller checks
// that a may.
func setBlock(tx *gorm.DB, now time.Time, a Actor, orgID string, on bool) (Organization, error) {
	var org Organization
	if err := tx.First(&org, "id = ?", orgID).Error; err != nil {
		return org, notFound(err, "organization")
	}
	res := tx.Model(&Organization{}).Where("id = ? AND block_support_access = ?", orgID, !on).Update("block_support_access", on)
	if res.Error != nil {
		return org, res.Error
	}
	org.BlockSupportAccess = on
	if res.RowsAffected == 0 {
		return org, nil
	}
	typ := EventBlockOff
	if on {
		typ = EventBlockOn
	}
	return org, insertEvent(tx, now, Event{OrgID: orgID, Type: typ}, a)
}
