package console

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/views"
)

// SettingsShow renders Organization Settings.
func (h *Handler) SettingsShow(c echo.Context) error {
	org, err := h.store.Org(c.Request().Context(), httpx.Principal(c), c.Param("orgId"))
	if err != nil {
		return err
	}
	p, err := h.orgLayout(c, org, "settings")
	if err != nil {
		return err
	}
	policy, err := h.store.SupportAccessPolicy(c.Request().Context(), httpx.Principal(c), org.ID)
	if err != nil {
		return err
	}
	p.Title = "Organization Settings"
	var locks []models.LoginLock
	if models.CanUnlockLogins(httpx.Principal(c), org.ID) {
		if locks, err = h.store.LockedLogins(c.Request().Context(), httpx.Principal(c), org.ID); err != nil {
			return err
		}
	}
	mfa, err := h.mfaSetting(c, org.ID)
	if err != nil {
		return err
	}
	page := views.SettingsPage(p, org, models.CanChangeBlock(httpx.Principal(c), org.ID), policy, locks, mfa)
	return httpx.Render(c, http.StatusOK, views.WithSealKey(page, sealKeyText(h.sealKey)))
}
