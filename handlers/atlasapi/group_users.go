package atlasapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
)

// apiGroupUser is one of a project's users as Atlas shows them in version
// 2025-02-19, the version Terraform's project data source asks for. Users
// here are active as soon as an operator creates them (there are no
// invitations), and have no names beyond their email addresses.
type apiGroupUser struct {
	ID                  string   `json:"id"`
	OrgMembershipStatus string   `json:"orgMembershipStatus"`
	Roles               []string `json:"roles"`
	Username            string   `json:"username"`
	CreatedAt           string   `json:"createdAt"`
}

// GroupUsers answers GET /groups/{groupId}/users: the project's
// members, each with its role in the project.
func (h *Handler) GroupUsers(c echo.Context) error {
	id, err := pathID(c, "groupId", "INVALID_GROUP_ID")
	if err != nil {
		return err
	}
	q, err := parsePage(c)
	if err != nil {
		return err
	}
	members, err := h.store.ProjectMembers(c.Request().Context(), httpx.Principal(c), id)
	if err != nil {
		return err
	}
	out := make([]apiGroupUser, len(members))
	for i, m := range members {
		out[i] = apiGroupUser{ID: m.UserID, OrgMembershipStatus: "ACTIVE", Roles: []string{string(m.Role)},
			Username: m.Email, CreatedAt: apiTime(m.CreatedAt.Time())}
	}
	return apiOK(c, http.StatusOK, slicePage(c, q, out))
}
