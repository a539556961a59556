package atlasapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/models/store"
)

// PolicyUpdate answers PATCH /orgs/{orgId}/supportAccessPolicy: an
// organization owner changes the settings the body names, and the answer
// is the policy after the change. The rules are the policy's own
// (models.SupportAccessPolicy.Validate), applied in the store.
func (h *Handler) PolicyUpdate(c echo.Context) error {
	id, err := pathID(c, "orgId", "INVALID_ORG_ID")
	if err != nil {
		return err
	}
	body, err := readBody(c)
	if err != nil {
		return err
	}
	var req struct {
		MaxGrantDurationHours     *int      `json:"maxGrantDurationHours"`
		AllowedGrantTypes         *[]string `json:"allowedGrantTypes"`
		RequireRequest            *bool     `json:"requireRequest"`
		SecondApproverForSyncData *bool     `json:"secondApproverForSyncData"`
		RetentionDays             *int      `json:"retentionDays"`
	}
	if err := decodeStrict(body, &req); err != nil {
		return err
	}
	ch := store.PolicyChange{MaxGrantHours: req.MaxGrantDurationHours, RequireRequest: req.RequireRequest,
		SecondApproverForSyncData: req.SecondApproverForSyncData, RetentionDays: req.RetentionDays}
	if req.AllowedGrantTypes != nil {
		ch.AllowedTypes = []models.GrantType{}
		for _, t := range *req.AllowedGrantTypes {
			ch.AllowedTypes = append(ch.AllowedTypes, models.GrantType(t))
		}
	}
	if req.MaxGrantDurationHours == nil && req.AllowedGrantTypes == nil && req.RequireRequest == nil &&
		req.SecondApproverForSyncData == nil && req.RetentionDays == nil {
		return httpx.BadRequest("MISSING_ATTRIBUTE", "", "Name at least one of maxGrantDurationHours, allowedGrantTypes, requireRequest, secondApproverForSyncData and retentionDays.")
	}
	p, err := h.store.SetSupportAccessPolicy(c.Request().Context(), httpx.Actor(c), id, ch)
	if err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, policyOf(p))
}
