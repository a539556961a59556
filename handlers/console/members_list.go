package console

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/models/store"
	"supportaccess/views"
)

// MembersList renders the organization's Members page: everyone with their
// roles for owners, who the owners are for everyone else.
func (h *Handler) MembersList(c echo.Context) error {
	m, err := h.membersPage(c)
	if err != nil {
		return err
	}
	return httpx.Render(c, http.StatusOK, views.MembersPageView(m))
}

// membersPage reads what the Members page shows.
func (h *Handler) membersPage(c echo.Context) (views.MembersPage, error) {
	ctx := c.Request().Context()
	pr := httpx.Principal(c)
	org, err := h.store.Org(ctx, pr, c.Param("orgId"))
	if err != nil {
		return views.MembersPage{}, err
	}
	p, err := h.orgLayout(c, org, "members")
	if err != nil {
		return views.MembersPage{}, err
	}
	p.Title = "Members"
	ms, err := h.store.Members(ctx, pr, org.ID)
	if err != nil {
		return views.MembersPage{}, err
	}
	rows, err := h.memberRows(c, ms)
	if err != nil {
		return views.MembersPage{}, err
	}
	st, err := h.store.OrgSettings(ctx, pr, org.ID)
	if err != nil {
		return views.MembersPage{}, err
	}
	return views.MembersPage{Page: p, Org: org, Members: rows, Projects: p.Projects, CanManage: models.CanManageCredentials(pr, org.ID),
		MFARequired: st.MFARequired}, nil
}

// memberRows turns the store's members into the view's rows.
func (h *Handler) memberRows(_ echo.Context, ms []store.Member) ([]views.MemberRow, error) {
	rows := make([]views.MemberRow, len(ms))
	for i, m := range ms {
		rows[i] = views.MemberRow{UserID: m.UserID, Email: m.Email, OrgRole: m.OrgRole, ProjectRoles: m.ProjectRoles, Joined: m.Joined, SecondFactor: m.SecondFactor}
	}
	return rows, nil
}
