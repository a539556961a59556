package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// apiOrg is an organization as the Admin API shows it.
type apiOrg struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	IsDeleted bool      `json:"isDeleted"`
	Links     []apiLink `json:"links"`
}

// apiOrgsList answers GET /orgs: the organizations the caller can see.
func (s *Server) apiOrgsList(c echo.Context) error {
	q, err := parsePage(c)
	if err != nil {
		return err
	}
	orgs, err := s.store.Orgs(c.Request().Context(), principal(c))
	if err != nil {
		return err
	}
	out := make([]apiOrg, len(orgs))
	for i, o := range orgs {
		out[i] = apiOrg{ID: o.ID, Name: o.Name, Links: selfLinks(c, "/api/atlas/v2/orgs/"+o.ID)}
	}
	return apiOK(c, http.StatusOK, slicePage(c, q, out))
}
