package console

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/views"
)

const requestsPerPage = 50

// RequestsList renders an organization's Access Requests, pending first.
func (h *Handler) RequestsList(c echo.Context) error {
	ctx := c.Request().Context()
	pr := httpx.Principal(c)
	org, err := h.store.Org(ctx, pr, c.Param("orgId"))
	if err != nil {
		return err
	}
	v := views.RequestsPage{Org: org, NumberPager: views.NumberPager{PerPage: requestsPerPage}, Status: c.QueryParam("status")}
	if v.Status != "" && !models.RequestStatus(v.Status).Valid() {
		return models.FieldError("status", "Unknown status %q.", v.Status)
	}
	if v.PageNum, err = pageParam(c); err != nil {
		return err
	}
	rs, total, err := h.store.Requests(ctx, pr, models.RequestFilter{OrgID: org.ID, Status: models.RequestStatus(v.Status), Page: v.PageNum, PerPage: requestsPerPage})
	if err != nil {
		return err
	}
	v.Total = total
	if v.Page, err = h.orgLayout(c, org, "requests"); err != nil {
		return err
	}
	names := map[string]models.Project{}
	for _, p := range v.Page.Projects {
		names[p.ID] = p.Project
	}
	for _, r := range rs {
		row, err := h.requestRow(c, r, names[r.ProjectID])
		if err != nil {
			return err
		}
		v.Requests = append(v.Requests, row)
	}
	v.Page.Title = "Access Requests"
	return httpx.Render(c, http.StatusOK, views.RequestsPageView(v))
}

// requestRow builds a request's row: who may decide, and the grant its
// approval made while it is in force.
func (h *Handler) requestRow(c echo.Context, r models.SupportAccessRequest, pr models.Project) (views.RequestRow, error) {
	row := views.RequestRow{SupportAccessRequest: r, ProjectName: pr.Name, Now: h.store.Now(),
		CanDecide: pr.ID != "" && models.CanManageGrants(httpx.Principal(c), pr)}
	if r.Status == models.RequestApproved {
		g, err := h.store.GrantOfRequest(c.Request().Context(), r)
		if err != nil {
			return row, err
		}
		row.Grant = g
	}
	return row, nil
}

// pageParam reads the page number of a list paged by number (the Access
// Requests page): 1 when absent, a clear error when it is not a sensible
// whole number.
func pageParam(c echo.Context) (int, error) {
	p := c.QueryParam("page")
	if p == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 1 || n >= 1_000_000 {
		return 0, models.FieldError("page", "The page number must be a positive whole number.")
	}
	return n, nil
}
