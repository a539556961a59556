package console

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/views"
)

// actionDone finishes a grant or revoke: for htmx, close the dialog and
// swap the row and a toast in place; otherwise redirect to the clusters page.
func (h *Handler) actionDone(c echo.Context, r views.ClusterRow, msg string) error {
	if httpx.IsPartial(c) {
		return httpx.Render(c, http.StatusOK, views.ActionDone(withRequestKey(r), msg))
	}
	h.setFlash(c, msg)
	return c.Redirect(http.StatusSeeOther, "/groups/"+r.Project.ID+"/clusters")
}

// requestKeyBytes is the randomness of a form's request key.
const requestKeyBytes = 16

// withRequestKey gives a row that is about to be rendered alone the
// request key its sync form needs, if it offers the form.
func withRequestKey(r views.ClusterRow) views.ClusterRow {
	if r.NeedsRequestKey() {
		r.RequestKey = models.RandomToken(requestKeyBytes)
	}
	return r
}

// row builds a cluster row's view data.
func (h *Handler) row(c echo.Context, cv models.ClusterView) views.ClusterRow {
	return views.ClusterRow{ClusterView: cv, CanManage: models.CanManageGrants(httpx.Principal(c), cv.Project),
		Now: h.store.Now(), CSRF: httpx.CSRFToken(c)}
}

// clusterRow loads one cluster the user can see, as a row.
func (h *Handler) clusterRow(ctx context.Context, c echo.Context) (views.ClusterRow, error) {
	cv, err := h.store.ClusterByName(ctx, httpx.Principal(c), c.Param("groupId"), c.Param("clusterName"))
	if err != nil {
		return views.ClusterRow{}, err
	}
	if cv.Request, err = h.store.PendingRequestOn(ctx, cv.ID); err != nil {
		return views.ClusterRow{}, err
	}
	return h.row(c, cv), nil
}
