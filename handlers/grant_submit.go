package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/models"
	"supportaccess/views"
)

// grantShow renders the grant dialog (htmx) or page.
func (s *Server) grantShow(c echo.Context) error {
	r, err := s.clusterRow(c.Request().Context(), c)
	if err != nil {
		return err
	}
	if err := models.AuthorizeGrantChange(principal(c), r.Project); err != nil {
		return err
	}
	f := views.GrantForm{Row: r, Choices: models.GrantTypesFor(r.Cluster), RequestKey: models.RandomToken(requestKeyBytes)}
	return s.renderGrantForm(c, http.StatusOK, f)
}

// grantSubmit grants 24-hour access of the chosen type. A failure re-renders
// the form with the reason; success closes the dialog and updates the row.
func (s *Server) grantSubmit(c echo.Context) error {
	ctx := c.Request().Context()
	t := models.GrantType(c.FormValue("grantType"))
	res, err := s.store.GrantAccess(ctx, actor(c), models.GrantRequest{
		ProjectID: c.Param("groupId"), ClusterName: c.Param("clusterName"), Type: t, RequestKey: c.FormValue("requestKey")})
	if code := models.ErrorCode(err); code == models.EINVALID || code == models.ECONFLICT {
		r, rerr := s.clusterRow(ctx, c)
		if rerr != nil {
			return rerr
		}
		f := views.GrantForm{Row: r, Choices: models.GrantTypesFor(r.Cluster), Selected: t, RequestKey: models.RandomToken(requestKeyBytes), Error: models.ErrorMessage(err)}
		return s.renderGrantForm(c, statusOf(code), f)
	}
	if err != nil {
		return err
	}
	msg := "Granted " + res.Grant.Type.Short() + " access to " + res.Cluster.Name + " until " + views.FormatTime(res.Grant.ExpiresAt.Time()) + "."
	if res.Replaced != nil {
		msg = "Replaced the grant on " + res.Cluster.Name + ": " + res.Grant.Type.Short() + " until " + views.FormatTime(res.Grant.ExpiresAt.Time()) + "."
	}
	return s.actionDone(c, s.row(c, res.Cluster), msg)
}

func (s *Server) renderGrantForm(c echo.Context, status int, f views.GrantForm) error {
	if isPartial(c) {
		f.Page = s.layout(c)
		return render(c, status, views.GrantDialog(f))
	}
	p, err := s.projectLayout(c, f.Row.Org, f.Row.Project, "clusters")
	if err != nil {
		return err
	}
	p.Title = "Grant access · " + f.Row.Name
	f.Page = p
	return render(c, status, views.GrantPage(f))
}

// actionDone finishes a grant or revoke: for htmx, close the dialog and
// swap the row and a toast in place; otherwise redirect to the clusters page.
func (s *Server) actionDone(c echo.Context, r views.ClusterRow, msg string) error {
	if isPartial(c) {
		return render(c, http.StatusOK, views.ActionDone(withRequestKey(r), msg))
	}
	s.setFlash(c, msg)
	return c.Redirect(http.StatusSeeOther, "/groups/"+r.Project.ID+"/clusters")
}
