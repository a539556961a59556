package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// apiGroupEventShow answers GET /groups/{groupId}/events/{eventId}, which
// the self link of a project's event names.
func (s *Server) apiGroupEventShow(c echo.Context) error {
	pr, err := s.visibleGroup(c)
	if err != nil {
		return err
	}
	return s.apiEventShow(c, pr.OrgID, pr.ID)
}

// apiOrgEventShow answers GET /orgs/{orgId}/events/{eventId}, which the
// self link of an organization-wide event names.
func (s *Server) apiOrgEventShow(c echo.Context) error {
	id, err := pathID(c, "orgId", "INVALID_ORG_ID")
	if err != nil {
		return err
	}
	return s.apiEventShow(c, id, "")
}

// apiEventShow answers one event of an organization or of one project.
func (s *Server) apiEventShow(c echo.Context, orgID, projectID string) error {
	eventID, err := pathID(c, "eventId", "INVALID_EVENT_ID")
	if err != nil {
		return err
	}
	e, err := s.store.Event(c.Request().Context(), principal(c), orgID, projectID, eventID)
	if err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, toAPIEvent(c, e))
}
