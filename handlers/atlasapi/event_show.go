package atlasapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
)

// GroupEventShow answers GET /groups/{groupId}/events/{eventId}, which
// the self link of a project's event names.
func (h *Handler) GroupEventShow(c echo.Context) error {
	pr, err := h.visibleGroup(c)
	if err != nil {
		return err
	}
	return h.eventShow(c, pr.OrgID, pr.ID)
}

// OrgEventShow answers GET /orgs/{orgId}/events/{eventId}, which the
// self link of an organization-wide event names.
func (h *Handler) OrgEventShow(c echo.Context) error {
	id, err := pathID(c, "orgId", "INVALID_ORG_ID")
	if err != nil {
		return err
	}
	return h.eventShow(c, id, "")
}

// apiEventShow answers one event of an organization or of one project.
func (h *Handler) eventShow(c echo.Context, orgID, projectID string) error {
	eventID, err := pathID(c, "eventId", "INVALID_EVENT_ID")
	if err != nil {
		return err
	}
	e, err := h.store.Event(c.Request().Context(), httpx.Principal(c), orgID, projectID, eventID)
	if err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, toAPIEvent(c, e))
}
