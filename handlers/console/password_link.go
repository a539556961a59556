package console

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/models/store"
	"supportaccess/views"
)

// PasswordLinkShow renders the page behind an invitation or reset link:
// the set-password form, or why the link no longer works.
func (h *Handler) PasswordLinkShow(c echo.Context) error {
	info, err := h.store.PasswordLinkFor(c.Request().Context(), c.Param("token"))
	return h.passwordLinkPage(c, info, err, "")
}

// PasswordLinkSubmit sets the password through the link, once, and sends
// the person to log in.
func (h *Handler) PasswordLinkSubmit(c echo.Context) error {
	ctx := c.Request().Context()
	token := c.Param("token")
	if _, err := h.store.UsePasswordLink(ctx, token, c.FormValue("new")); err != nil {
		info, lerr := h.store.PasswordLinkFor(ctx, token)
		if lerr != nil {
			return h.passwordLinkPage(c, info, lerr, "")
		}
		if models.ErrorCode(err) == models.EINTERNAL {
			return err
		}
		return h.passwordLinkPage(c, info, nil, models.ErrorMessage(err))
	}
	h.clearSessionCookie(c)
	h.setFlash(c, "Your password is set. Log in with it.")
	return c.Redirect(http.StatusSeeOther, "/login")
}

// passwordLinkPage renders the link's page; linkErr is the link's own
// failure, formErr the form's.
func (h *Handler) passwordLinkPage(c echo.Context, info store.PasswordLinkInfo, linkErr error, formErr string) error {
	p := h.layout(c)
	p.Title = "Set your password"
	v := views.PasswordLinkPage{Page: p, Token: c.Param("token"), Email: info.Email, OrgName: info.OrgName, Invitation: info.Link.Purpose == models.LinkInvitation}
	status := http.StatusOK
	switch {
	case linkErr != nil:
		if models.ErrorCode(linkErr) == models.EINTERNAL {
			return linkErr
		}
		v.Unusable, v.Error, v.Token = true, models.ErrorMessage(linkErr), ""
		status = httpx.StatusOf(models.ErrorCode(linkErr))
	case formErr != "":
		v.Error = formErr
		status = http.StatusUnprocessableEntity
	}
	return httpx.Render(c, status, views.PasswordLinkPageView(v))
}
