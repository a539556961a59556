package atlasapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
)

// PolicyShow answers GET /orgs/{orgId}/supportAccessPolicy, for any
// member of the organization.
func (h *Handler) PolicyShow(c echo.Context) error {
	id, err := pathID(c, "orgId", "INVALID_ORG_ID")
	if err != nil {
		return err
	}
	p, err := h.store.SupportAccessPolicy(c.Request().Context(), httpx.Principal(c), id)
	if err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, policyOf(p))
}
