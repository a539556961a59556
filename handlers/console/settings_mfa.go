package console

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/models/store"
	"supportaccess/views"
)

// mfaSetting reads the organization's second factor requirement and, for
// owners, how many members have no second factor yet.
func (h *Handler) mfaSetting(c echo.Context, orgID string) (views.MFASetting, error) {
	ctx := c.Request().Context()
	pr := httpx.Principal(c)
	st, err := h.store.OrgSettings(ctx, pr, orgID)
	if err != nil {
		return views.MFASetting{}, err
	}
	m := views.MFASetting{On: st.MFARequired, CanChange: models.CanChangeBlock(pr, orgID)}
	if !m.CanChange {
		return m, nil
	}
	ms, err := h.store.Members(ctx, pr, orgID)
	if err != nil {
		return m, err
	}
	for _, x := range ms {
		if !x.SecondFactor {
			m.Missing++
		}
	}
	return m, nil
}

// SettingsMFAUpdate turns "Require multi-factor authentication" on or
// off. It is a change of the organization's policy: it asks for the
// second factor again when the last check is older than
// models.StepUpWindow.
func (h *Handler) SettingsMFAUpdate(c echo.Context) error {
	orgID := c.Param("orgId")
	var on bool
	switch c.FormValue("multiFactorAuthRequired") {
	case "true":
		on = true
	case "false":
	default:
		return models.FieldError("multiFactorAuthRequired", "Choose whether to require multi-factor authentication: true or false.")
	}
	ctx := c.Request().Context()
	if _, err := h.store.Org(ctx, httpx.Principal(c), orgID); err != nil {
		return err
	}
	if !models.CanChangeBlock(httpx.Principal(c), orgID) {
		return models.Errorf(models.EFORBIDDEN, "Only an Organization Owner can change this organization's settings.")
	}
	need, err := h.NeedsSecondFactorAgain(c)
	if err != nil {
		return err
	}
	if need {
		return h.StepUp(c, "/orgs/"+orgID+"/settings")
	}
	if _, err := h.store.SetOrgSettings(ctx, httpx.Actor(c), orgID, store.OrgSettingsChange{MFARequired: &on}); err != nil {
		if models.ErrorCode(err) != models.EINVALID {
			return err
		}
		h.setFlash(c, models.ErrorMessage(err))
		return c.Redirect(http.StatusSeeOther, "/orgs/"+orgID+"/settings")
	}
	msg := "Multi-factor authentication is now optional."
	if on {
		msg = "Multi-factor authentication is now required: members without a second factor set one up at their next login."
	}
	h.setFlash(c, msg)
	return c.Redirect(http.StatusSeeOther, "/orgs/"+orgID+"/settings")
}
