package store

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

// CreateOrg creates an organization.
func (s *Store) CreateOrg(ctx context.Context, name string) (models.Organization, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return models.Organization{}, models.FieldError("name", "An organization needs a name.")
	}
	o := models.Organization{ID: models.NewID(s.now()), Name: name, CreatedAt: models.At(s.now())}
	if err := s.db.WithContext(ctx).Create(&o).Error; err != nil {
		if isUniqueViolation(err) {
			return models.Organization{}, models.FieldError("name", "An organization named %q already exists.", name)
		}
		return models.Organization{}, fmt.Errorf("create organization: %w", err)
	}
	return o, nil
}

// OrgByName finds an organization by name, for operator commands.
func (s *Store) OrgByName(ctx context.Context, name string) (models.Organization, error) {
	var o models.Organization
	err := s.db.WithContext(ctx).Where("name = ?", name).First(&o).Error
	if err != nil {
		return o, notFound(err, "organization")
	}
	return o, nil
}

// Org returns an organization p may see.
func (s *Store) Org(ctx context.Context, p models.Principal, id string) (models.Organization, error) {
	var o models.Organization
	if !models.CanViewOrg(p, id) {
		return o, models.ErrNoOrg()
	}
	if err := s.db.WithContext(ctx).First(&o, "id = ?", id).Error; err != nil {
		return o, notFound(err, "organization")
	}
	return o, nil
}

// Orgs lists the organizations p may see, by name. Every console page
// lists them in its menu, so they are read without GORM (scan.go).
func (s *Store) Orgs(ctx context.Context, p models.Principal) ([]models.Organization, error) {
	if len(p.OrgRoles) == 0 {
		return nil, nil
	}
	ids := make([]any, 0, len(p.OrgRoles))
	for id := range p.OrgRoles {
		ids = append(ids, id)
	}
	rows, err := readRows(s.db.WithContext(ctx), orgsQuery(len(ids)), ids...)
	if err != nil {
		return nil, fmt.Errorf("list organizations: %w", err)
	}
	defer rows.Close()
	out := make([]models.Organization, 0, len(ids))
	var o models.Organization
	dest := orgTargets(&o)
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
func (s *Store) SetBlock(ctx context.Context, a models.Actor, orgID string, on bool) (models.Organization, error) {
	var org models.Organization
	if !models.CanViewOrg(a.Principal, orgID) {
		return org, models.ErrNoOrg()
	}
	if !models.CanChangeBlock(a.Principal, orgID) {
		return org, models.Errorf(models.EFORBIDDEN, "Only an Organization Owner can change this setting.")
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
func setBlock(tx *gorm.DB, now time.Time, a models.Actor, orgID string, on bool) (models.Organization, error) {
	var org models.Organization
	if err := tx.First(&org, "id = ?", orgID).Error; err != nil {
		return org, notFound(err, "organization")
	}
	res := tx.Model(&models.Organization{}).Where("id = ? AND block_support_access = ?", orgID, !on).Update("block_support_access", on)
	if res.Error != nil {
		return org, res.Error
	}
	org.BlockSupportAccess = on
	if res.RowsAffected == 0 {
		return org, nil
	}
	typ := models.EventBlockOff
	if on {
		typ = models.EventBlockOn
	}
	return org, insertEvent(tx, now, models.Event{OrgID: orgID, Type: typ}, a)
}
