package console

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
)

// NeedsSecondFactorAgain reports whether the request's user must pass
// their second factor again before a sensitive change (a sync-data grant,
// a change of the support access policy): they have one, and their
// session last passed it more than models.StepUpWindow ago. A user with
// no second factor has nothing to be asked for (an organization that
// requires one has them enrol at login).
func (h *Handler) NeedsSecondFactorAgain(c echo.Context) (bool, error) {
	ss, ok := httpx.Session(c)
	if !ok {
		return false, nil
	}
	ctx := c.Request().Context()
	f, err := h.store.Factors(ctx, ss.UserID)
	if err != nil || !f.Any() {
		return false, err
	}
	at, err := h.store.SessionVerifiedAt(ctx, ss.ID)
	if err != nil {
		return false, err
	}
	return at.IsZero() || h.store.Now().Sub(at.Time()) > models.StepUpWindow, nil
}

// StepUp answers a sensitive change whose second factor is too old: the
// browser is sent to confirm it (a whole-page load for htmx), then back
// to next, a path of this site where the person makes the change again.
//
//	if need, err := h.NeedsSecondFactorAgain(c); err != nil || need {
//		if err != nil { return err }
//		return h.StepUp(c, "/orgs/"+orgID+"/policy")
//	}
func (h *Handler) StepUp(c echo.Context, next string) error {
	target := "/account/verify?next=" + url.QueryEscape(safeNext(next))
	if httpx.IsPartial(c) {
		c.Response().Header().Set("HX-Redirect", target)
		return c.NoContent(http.StatusNoContent)
	}
	return c.Redirect(http.StatusSeeOther, target)
}
