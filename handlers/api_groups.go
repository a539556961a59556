package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/models"
)

// apiGroup is a project as the Admin API shows it.
type apiGroup struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	OrgID        string    `json:"orgId"`
	ClusterCount int       `json:"clusterCount"`
	Created      string    `json:"created"`
	Links        []apiLink `json:"links"`
}

func toAPIGroup(c echo.Context, p models.ProjectSummary) apiGroup {
	return apiGroup{ID: p.ID, Name: p.Name, OrgID: p.OrgID, ClusterCount: p.ClusterCount,
		Created: apiTime(p.CreatedAt.Time()), Links: selfLinks(c, "/api/atlas/v2/groups/"+p.ID)}
}

// apiGroupsList answers GET /groups: every project the caller can see.
func (s *Server) apiGroupsList(c echo.Context) error {
	q, err := parsePage(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	p := principal(c)
	orgs, err := s.store.Orgs(ctx, p)
	if err != nil {
		return err
	}
	var out []apiGroup
	for _, o := range orgs {
		projects, err := s.store.Projects(ctx, p, o.ID)
		if err != nil {
			return err
		}
		for _, pr := range projects {
			out = append(out, toAPIGroup(c, pr))
		}
	}
	return apiOK(c, http.StatusOK, slicePage(c, q, out))
}

// apiGroupShow answers GET /groups/{groupId}. The project and its cluster
// count come from the cluster list, which the store mostly keeps: one
// statement, and it refuses a project the caller may not see as Project does.
func (s *Server) apiGroupShow(c echo.Context) error {
	id, err := pathID(c, "groupId", "INVALID_GROUP_ID")
	if err != nil {
		return err
	}
	l, err := s.store.ClusterList(c.Request().Context(), principal(c), id)
	if err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, toAPIGroup(c, models.ProjectSummary{Project: l.Project, ClusterCount: len(l.Clusters)}))
}
