package atlasapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
)

// RequestsList answers GET /orgs/{orgId}/supportAccessRequests: a page of
// the organization's requests that the caller may see, pending first,
// filtered by status.
func (h *Handler) RequestsList(c echo.Context) error {
	id, err := pathID(c, "orgId", "INVALID_ORG_ID")
	if err != nil {
		return err
	}
	q, err := parsePage(c)
	if err != nil {
		return err
	}
	f := models.RequestFilter{OrgID: id, Page: q.num, PerPage: q.items}
	if v := c.QueryParam("status"); v != "" {
		if !models.RequestStatus(v).Valid() {
			return httpx.BadRequest("INVALID_ENUM_VALUE", "status", "Unknown status %q: use PENDING, APPROVED, DENIED, EXPIRED or CANCELLED.", shortForMessage(v))
		}
		f.Status = models.RequestStatus(v)
	}
	ctx := c.Request().Context()
	rs, total, err := h.store.Requests(ctx, httpx.Principal(c), f)
	if err != nil {
		return err
	}
	now := h.store.Now()
	out := make([]apiRequest, len(rs))
	for i, r := range rs {
		out[i] = requestOf(c, r, nil, now)
	}
	return apiOK(c, http.StatusOK, newPage(c, q, out, total))
}
