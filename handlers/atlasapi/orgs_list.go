package atlasapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
)

// apiOrg is an organization as the Admin API shows it.
type apiOrg struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	IsDeleted bool      `json:"isDeleted"`
	Links     []apiLink `json:"links"`
}

// OrgsList answers GET /orgs: the organizations the caller can see.
func (h *Handler) OrgsList(c echo.Context) error {
	q, err := parsePage(c)
	if err != nil {
		return err
	}
	orgs, err := h.store.Orgs(c.Request().Context(), httpx.Principal(c))
	if err != nil {
		return err
	}
	out := make([]apiOrg, len(orgs))
	for i, o := range orgs {
		out[i] = apiOrg{ID: o.ID, Name: o.Name, Links: selfLinks(c, "/api/atlas/v2/orgs/"+o.ID)}
	}
	return apiOK(c, http.StatusOK, slicePage(c, q, out))
}
