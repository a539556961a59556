package store

import (
	"supportaccess/models"

	"context"
	"sort"
)

// VisibleProjectByName finds, among the projects p may see, the one named
// name, with its cluster count. A name nobody p can see uses is "not
// found", as an id is. Names are unique inside an organization only, so a
// principal with roles in two organizations may see two projects of one
// name: that is refused with a field error, since choosing one would be a
// guess.
func (s *Store) VisibleProjectByName(ctx context.Context, p models.Principal, name string) (models.ProjectSummary, error) {
	orgIDs := make([]string, 0, len(p.OrgRoles))
	for id := range p.OrgRoles {
		orgIDs = append(orgIDs, id)
	}
	sort.Strings(orgIDs)
	var found []models.ProjectSummary
	for _, orgID := range orgIDs {
		projects, err := s.Projects(ctx, p, orgID)
		if err != nil {
			return models.ProjectSummary{}, err
		}
		for _, pr := range projects {
			if pr.Name == name {
				found = append(found, pr)
			}
		}
	}
	switch len(found) {
	case 0:
		return models.ProjectSummary{}, models.Errorf(models.ENOTFOUND, "No project with that name.")
	case 1:
		return found[0], nil
	}
	return models.ProjectSummary{}, models.FieldError("groupName", "Several projects you can see are named %q; look the project up by its id.", name)
}
