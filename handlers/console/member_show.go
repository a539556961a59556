package console

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models/store"
	"supportaccess/views"
)

// MemberShow renders one member's page, for owners: roles, password reset,
// removal.
func (h *Handler) MemberShow(c echo.Context) error {
	m, err := h.memberPage(c)
	if err != nil {
		return err
	}
	return httpx.Render(c, http.StatusOK, views.MemberPageView(m))
}

// memberPage reads what a member's page shows.
func (h *Handler) memberPage(c echo.Context) (views.MemberPage, error) {
	ctx := c.Request().Context()
	pr := httpx.Principal(c)
	org, err := h.store.Org(ctx, pr, c.Param("orgId"))
	if err != nil {
		return views.MemberPage{}, err
	}
	m, err := h.store.Member(ctx, pr, org.ID, c.Param("userId"))
	if err != nil {
		return views.MemberPage{}, err
	}
	p, err := h.orgLayout(c, org, "members")
	if err != nil {
		return views.MemberPage{}, err
	}
	p.Title = m.Email + " · Members"
	rows, err := h.memberRows(c, []store.Member{m})
	if err != nil {
		return views.MemberPage{}, err
	}
	return views.MemberPage{Page: p, Org: org, Member: rows[0], Projects: p.Projects, IsSelf: m.UserID == pr.ID}, nil
}
