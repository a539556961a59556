package store

import (
	"supportaccess/models"

	"context"
	"fmt"
)

// ProjectMember is a user with a role in a project: what the Admin API
// lists as the project's users. Organization owners and read-only members
// see every project without being its members, and are not listed, as
// Atlas lists only the users a project names.
type ProjectMember struct {
	UserID    string
	Email     string
	Role      models.Role
	CreatedAt models.Instant // when the user was created
}

var qProjectMembers = newQuery(`SELECT u.id, u.email, m.role, u.created_at
	FROM project_memberships m JOIN users u ON u.id = m.user_id
	WHERE m.project_id = ? ORDER BY u.email`, "")

// ProjectMembers lists a project's members by email, to anyone who may see
// the project; to anyone else the project does not exist.
func (s *Store) ProjectMembers(ctx context.Context, p models.Principal, projectID string) ([]ProjectMember, error) {
	if _, err := s.Project(ctx, p, projectID); err != nil {
		return nil, err
	}
	rows, err := readRows(s.db.WithContext(ctx), qProjectMembers, projectID)
	if err != nil {
		return nil, fmt.Errorf("project members: %w", err)
	}
	var out []ProjectMember
	var m ProjectMember
	if err := scanRows(rows, []any{&m.UserID, &m.Email, &m.Role, &m.CreatedAt}, func() { out = append(out, m) }); err != nil {
		return nil, fmt.Errorf("project members: %w", err)
	}
	return out, nil
}
