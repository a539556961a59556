package handlers

import (
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"supportaccess/models"
	"supportaccess/views"
)

// urlQueryEscape escapes a value for a query string.
func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// layout builds the layout data every page shares: user, CSRF token, flash.
func (s *Server) layout(c echo.Context) views.Page {
	p := views.Page{CSRF: csrfToken(c), PollSeconds: s.cfg.PollSeconds}
	if pr, ok := c.Get(ctxPrincipal).(models.Principal); ok {
		p.UserEmail = pr.Name
	}
	p.Flash = s.takeFlash(c)
	return p
}

// orgLayout adds the navigation of one organization: its menu entries and
// the projects the user can see.
func (s *Server) orgLayout(c echo.Context, org models.Organization, section string) (views.Page, error) {
	ctx := c.Request().Context()
	p := s.layout(c)
	p.Section = section
	pr := principal(c)
	orgs, err := s.store.Orgs(ctx, pr)
	if err != nil {
		return p, err
	}
	projects, err := s.store.Projects(ctx, pr, org.ID)
	if err != nil {
		return p, err
	}
	p.Orgs, p.Org, p.Projects = orgs, &org, projects
	p.IsOrgOwner = models.CanManageCredentials(pr, org.ID)
	return p, nil
}

// projectLayout is orgLayout inside one project, with its sidebar.
func (s *Server) projectLayout(c echo.Context, org models.Organization, project models.Project, section string) (views.Page, error) {
	p, err := s.orgLayout(c, org, section)
	p.Project = &project
	return p, err
}

// setFlash keeps a message for the next page (after a redirect).
func (s *Server) setFlash(c echo.Context, msg string) {
	sess, _ := s.sessions.Get(c.Request(), "sa_flash")
	sess.Options.MaxAge = 60
	sess.Values["m"] = msg
	_ = sess.Save(c.Request(), c.Response())
}

// takeFlash reads and clears the message kept for this page.
func (s *Server) takeFlash(c echo.Context) string {
	ck, err := c.Cookie("sa_flash")
	if err != nil || ck.Value == "" {
		return ""
	}
	sess, _ := s.sessions.Get(c.Request(), "sa_flash")
	msg, _ := sess.Values["m"].(string)
	sess.Options.MaxAge = -1
	_ = sess.Save(c.Request(), c.Response())
	return msg
}

// pageParam reads the page number of a paged list: 1 when absent, a clear
// error when it is not a sensible whole number.
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

// filteredLayout is the layout of an organization page that may be
// narrowed to one of its projects (the activity feed, the Support Access
// Log), and the names of the projects it lists, by id. The store's list
// has already refused a project of another organization.
func (s *Server) filteredLayout(c echo.Context, org models.Organization, projectID, section string) (views.Page, map[string]string, error) {
	var page views.Page
	var err error
	if projectID != "" {
		project, perr := s.store.Project(c.Request().Context(), principal(c), projectID)
		if perr != nil {
			return page, nil, perr
		}
		page, err = s.projectLayout(c, org, project, section)
	} else {
		page, err = s.orgLayout(c, org, section)
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
