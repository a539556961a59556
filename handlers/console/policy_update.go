package console

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/models/store"
)

// PolicyUpdate saves the support access policy from Organization
// Settings. The form sends every setting; the rules are the policy's own,
// applied in the store, and a refusal comes back as the error page's
// message.
func (h *Handler) PolicyUpdate(c echo.Context) error {
	hours, err := strconv.Atoi(c.FormValue("maxGrantDurationHours"))
	if err != nil {
		return models.FieldError("maxGrantDurationHours", "Choose a maximum grant duration from 1 to 24 hours.")
	}
	days, err := strconv.Atoi(c.FormValue("retentionDays"))
	if err != nil {
		return models.FieldError("retentionDays", "Retention is a whole number of days from 1 to 3650.")
	}
	form, err := c.FormParams()
	if err != nil {
		return models.FieldError("allowedGrantTypes", "The form could not be read.")
	}
	types := []models.GrantType{}
	for _, t := range form["allowedGrantTypes"] {
		types = append(types, models.GrantType(t))
	}
	require, second := c.FormValue("requireRequest") == "true", c.FormValue("secondApproverForSyncData") == "true"
	_, err = h.store.SetSupportAccessPolicy(c.Request().Context(), httpx.Actor(c), c.Param("orgId"), store.PolicyChange{
		MaxGrantHours: &hours, AllowedTypes: types, RequireRequest: &require, SecondApproverForSyncData: &second, RetentionDays: &days})
	if err != nil {
		return err
	}
	h.setFlash(c, "The support access policy is saved.")
	return c.Redirect(http.StatusSeeOther, "/orgs/"+c.Param("orgId")+"/settings")
}
