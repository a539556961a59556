package atlasapi

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
)

// RequestActions answers POST /groups/{groupId}/supportAccessRequests/
// {requestId}:approve and :deny. As for a cluster's custom methods, the
// route takes the whole last segment and the action is split off here.
func (h *Handler) RequestActions(c echo.Context) error {
	seg := strings.NewReplacer("%3A", ":", "%3a", ":").Replace(c.Param("requestId"))
	id, action, ok := strings.Cut(seg, ":")
	if !ok {
		return echo.ErrMethodNotAllowed
	}
	if action != "approve" && action != "deny" {
		return echo.ErrNotFound
	}
	groupID, err := pathID(c, "groupId", "INVALID_GROUP_ID")
	if err != nil {
		return err
	}
	if !models.ValidID(id) {
		return httpx.BadRequest("INVALID_REQUEST_ID", "requestId", "requestId %q is not an id: an id is 24 lowercase hexadecimal digits.", shortForMessage(id))
	}
	body, err := readBody(c)
	if err != nil {
		return err
	}
	if action == "deny" {
		return h.deny(c, groupID, id, body)
	}
	return h.approve(c, groupID, id, body)
}

// approve approves, narrowed to the body's grantType or shortened to its
// durationHours if it names them (an empty body approves as asked).
func (h *Handler) approve(c echo.Context, groupID, id string, body []byte) error {
	var req struct {
		GrantType     *string `json:"grantType"`
		DurationHours *int    `json:"durationHours"`
	}
	if len(body) > 0 {
		if err := decodeStrict(body, &req); err != nil {
			return err
		}
	}
	var ap models.Approval
	if req.GrantType != nil {
		ap.GrantType = models.GrantType(*req.GrantType)
		if !ap.GrantType.Valid() {
			return httpx.BadRequest("INVALID_ENUM_VALUE", "grantType", "Unknown grantType %q: use CLUSTER_INFRASTRUCTURE, CLUSTER_DATABASE_LOGS or CLUSTER_INFRASTRUCTURE_AND_APP_SERVICES_SYNC_DATA.", shortForMessage(*req.GrantType))
		}
	}
	if req.DurationHours != nil {
		if *req.DurationHours < 1 {
			return httpx.BadRequest("INVALID_ATTRIBUTE", "durationHours", "durationHours is a whole number of hours from 1 to the requested duration.")
		}
		ap.DurationHours = *req.DurationHours
	}
	r, res, err := h.store.ApproveRequest(c.Request().Context(), httpx.Actor(c), groupID, id, ap)
	if err != nil {
		return err
	}
	var g *models.Grant
	if res != nil {
		g = &res.Grant
	}
	return apiOK(c, http.StatusOK, requestOf(c, r, g, h.store.Now()))
}

// deny denies with the body's reason, which support reads.
func (h *Handler) deny(c echo.Context, groupID, id string, body []byte) error {
	var req struct {
		Reason *string `json:"reason"`
	}
	if err := decodeStrict(body, &req); err != nil {
		return err
	}
	if req.Reason == nil {
		return httpx.BadRequest("MISSING_ATTRIBUTE", "reason", "Attribute reason is required: support reads why the request was denied.")
	}
	r, err := h.store.DenyRequest(c.Request().Context(), httpx.Actor(c), groupID, id, *req.Reason)
	if err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, requestOf(c, r, nil, h.store.Now()))
}
