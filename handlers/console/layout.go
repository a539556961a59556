package console

import (
	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/views"
)

// layout builds the layout data every page shares: user, CSRF token, flash.
func (h *Handler) layout(c echo.Context) views.Page {
	p := views.Page{CSRF: httpx.CSRFToken(c), PollSeconds: h.pollSeconds}
	if pr, ok := httpx.LoggedIn(c); ok {
		p.UserEmail = pr.Name
	}
	p.Flash = h.takeFlash(c)
	return p
}

// orgLayout adds the navigation of one organization: its menu entries and
// the projects the user can see.
func (h *Handler) orgLayout(c echo.Context, org models.Organization, section string) (views.Page, error) {
	ctx := c.Request().Context()
	p := h.layout(c)
	p.Section = section
	pr := httpx.Principal(c)
	orgs, err := h.orgsOf(c, pr, org)
	if err != nil {
		return p, err
	}
	projects, pending, err := h.store.OrgNav(ctx, pr, org.ID)
	if err != nil {
		return p, err
	}
	p.Orgs, p.Org, p.Projects, p.PendingRequests = orgs, &org, projects, pending
	p.IsOrgOwner = models.CanManageCredentials(pr, org.ID)
	return p, nil
}

// orgsOf is the organizations the top bar offers pr. A person of one
// organization, the one the page shows, is offered the organization the
// page read: the store's list would read that row again.
func (h *Handler) orgsOf(c echo.Context, pr models.Principal, org models.Organization) ([]models.Organization, error) {
	if models.CanViewOrg(pr, org.ID) && len(pr.OrgRoles) == 1 && org.Name != "" {
		return []models.Organization{org}, nil
	}
	return h.store.Orgs(c.Request().Context(), pr)
}

// projectLayout is orgLayout inside one project, with its sidebar.
func (h *Handler) projectLayout(c echo.Context, org models.Organization, project models.Project, section string) (views.Page, error) {
	p, err := h.orgLayout(c, org, section)
	p.Project = &project
	return p, err
}

// cursorParams reads where a log's page starts: before or after the row
// with the given id (at most one), or neither for the newest rows.
func cursorParams(c echo.Context) (models.LogCursor, error) {
	cur := models.LogCursor{Before: c.QueryParam("before"), After: c.QueryParam("after")}
	if cur.Before != "" && cur.After != "" {
		return cur, models.FieldError("before", "A page starts before one row or after one, not both.")
	}
	for _, id := range []string{cur.Before, cur.After} {
		if id != "" && !models.ValidID(id) {
			return cur, models.FieldError("before", "A page starts at a row id of 24 hexadecimal digits.")
		}
	}
	return cur, nil
}

// filteredLayout is the layout of an organization page that may be
// narrowed to one of its projects (the activity feed, the Support Access
// Log), and the names of the projects it lists, by id. The store's list
// has already refused a project of another organization.
func (h *Handler) filteredLayout(c echo.Context, org models.Organization, projectID, section string) (views.Page, map[string]string, error) {
	var page views.Page
	var err error
	if projectID != "" {
		project, perr := h.store.Project(c.Request().Context(), httpx.Principal(c), projectID)
		if perr != nil {
			return page, nil, perr
		}
		page, err = h.projectLayout(c, org, project, section)
	} else {
		page, err = h.orgLayout(c, org, section)
	}
	if err != nil {
		return page, nil, err
	}
	names := make(map[string]string, len(page.Projects))
	for _, p := range page.Projects {
		names[p.ID] = p.Name
	}
	return page, names, nil
}
