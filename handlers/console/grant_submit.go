package console

import (
	"net/url"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/views"
)

// GrantSubmit grants 24-hour access of the chosen type. A failure re-renders
// the form with the reason; success closes the dialog and updates the row.
func (h *Handler) GrantSubmit(c echo.Context) error {
	ctx := c.Request().Context()
	t := models.GrantType(c.FormValue("grantType"))
	// Sync data is the most a grant gives: it asks for a recent second
	// factor (mfa_stepup.go).
	if t == models.GrantInfrastructureSync {
		need, err := h.NeedsSecondFactorAgain(c)
		if err != nil {
			return err
		}
		if need {
			return h.StepUp(c, "/groups/"+c.Param("groupId")+"/clusters/"+url.PathEscape(c.Param("clusterName"))+"/grant")
		}
	}
	res, err := h.store.GrantAccess(ctx, httpx.Actor(c), models.GrantRequest{
		ProjectID: c.Param("groupId"), ClusterName: c.Param("clusterName"), Type: t, RequestKey: c.FormValue("requestKey")})
	if code := models.ErrorCode(err); code == models.EINVALID || code == models.ECONFLICT || code == models.EFORBIDDEN {
		r, rerr := h.clusterRow(ctx, c)
		if rerr != nil {
			return rerr
		}
		// A role too weak gets the error page; a manager refused by the
		// policy reads why in the dialog.
		if code == models.EFORBIDDEN && !models.CanManageGrants(httpx.Principal(c), r.Project) {
			return err
		}
		f, ferr := h.grantForm(c, r)
		if ferr != nil {
			return ferr
		}
		f.Selected, f.Error = t, models.ErrorMessage(err)
		return h.renderGrantForm(c, httpx.StatusOf(code), f)
	}
	if err != nil {
		return err
	}
	if res.Repeated && res.State != models.GrantInForce {
		return h.actionDone(c, h.row(c, res.Cluster), replayMessage(res))
	}
	msg := "Granted " + res.Grant.Type.Short() + " access to " + res.Cluster.Name + " until " + views.FormatTime(res.Grant.ExpiresAt.Time()) + "."
	if res.Replaced != nil {
		msg = "Replaced the grant on " + res.Cluster.Name + ": " + res.Grant.Type.Short() + " until " + views.FormatTime(res.Grant.ExpiresAt.Time()) + "."
	}
	if res.Extended {
		msg = "Extended " + res.Grant.Type.Short() + " access to " + res.Cluster.Name + " until " + views.FormatTime(res.Grant.ExpiresAt.Time()) + "."
	}
	return h.actionDone(c, h.row(c, res.Cluster), msg)
}

// replayMessage tells a user who sent a used grant form again (Back and
// resubmit) what became of the grant it made, which is no longer in force,
// so that the console never claims access that is not there.
func replayMessage(res models.GrantResult) string {
	what := map[models.GrantState]string{models.GrantRevoked: "was revoked", models.GrantReplaced: "was replaced",
		models.GrantExpired: "expired"}[res.State]
	if what == "" {
		what = "was closed"
	}
	return "This form was already used: the grant it made on " + res.Cluster.Name + " " + what + " at " +
		views.FormatTime(res.EndedAt) + ". Nothing was granted now. Open the grant dialog again to grant access."
}
