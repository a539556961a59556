package atlasapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
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

// GroupsList answers GET /groups: every project the caller can see.
func (h *Handler) GroupsList(c echo.Context) error {
	q, err := parsePage(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	p := httpx.Principal(c)
	orgs, err := h.store.Orgs(ctx, p)
	if err != nil {
		return err
	}
	var out []apiGroup
	for _, o := range orgs {
		projects, err := h.store.Projects(ctx, p, o.ID)
		if err != nil {
			return err
		}
		for _, pr := range projects {
			out = append(out, toAPIGroup(c, pr))
		}
	}
	return apiOK(c, http.StatusOK, slicePage(c, q, out))
}
