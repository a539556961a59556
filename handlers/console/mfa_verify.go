package console

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/views"
)

// LoginVerifyShow asks a login that passed the password for its second
// factor.
func (h *Handler) LoginVerifyShow(c echo.Context) error {
	pl, u, err := h.pending(c)
	if err != nil || pl.Stage != models.StageVerify {
		if models.ErrorCode(err) == models.EINTERNAL {
			return err
		}
		return toLogin(c)
	}
	return h.verifyPage(c, http.StatusOK, u, views.VerifyPage{Action: "/login/verify", Next: pl.Next}, nil)
}

// LoginVerifySubmit checks the code (an app's or a recovery code) and
// starts the session.
func (h *Handler) LoginVerifySubmit(c echo.Context) error {
	pl, u, err := h.pending(c)
	if err != nil || pl.Stage != models.StageVerify {
		if models.ErrorCode(err) == models.EINTERNAL {
			return err
		}
		return toLogin(c)
	}
	v := views.VerifyPage{Action: "/login/verify", Next: pl.Next}
	if err := h.store.CheckSecondFactor(c.Request().Context(), u, c.FormValue("code"), c.RealIP(), ""); err != nil {
		return h.verifyPage(c, 0, u, v, err)
	}
	next, err := h.completeLogin(c, pl, true)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// verifyPage renders the second factor's page, with why the last code was
// refused when cause is not nil (status then follows from it).
func (h *Handler) verifyPage(c echo.Context, status int, u models.User, v views.VerifyPage, cause error) error {
	if cause != nil {
		if models.ErrorCode(cause) == models.EINTERNAL {
			return cause
		}
		if errors.Is(cause, models.ErrBusy) {
			c.Response().Header().Set("Retry-After", "1")
		}
		status, v.Error = httpx.StatusOf(models.ErrorCode(cause)), models.ErrorMessage(cause)
	}
	f, err := h.store.Factors(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	v.Passkeys = len(f.Passkeys) > 0
	if v.StepUp {
		if v.Page, err = h.accountLayout(c); err != nil {
			return err
		}
	} else {
		// Nobody is logged in yet: no navigation bar.
		v.Page = h.layout(c)
		v.Page.UserEmail = ""
	}
	v.Page.Title = "Two-step verification"
	return httpx.Render(c, status, views.VerifyPageView(v))
}

// StepUpShow asks a logged-in user for their second factor again, before
// a change that needs a recent one (StepUp).
func (h *Handler) StepUpShow(c echo.Context) error {
	next := safeNext(c.QueryParam("next"))
	return h.verifyPage(c, http.StatusOK, accountUser(c), views.VerifyPage{Action: "/account/verify", Next: next, StepUp: true}, nil)
}

// StepUpSubmit checks the code and notes that the session passed its
// second factor now; then back to where the change was asked.
func (h *Handler) StepUpSubmit(c echo.Context) error {
	ctx := c.Request().Context()
	u := accountUser(c)
	next := safeNext(c.FormValue("next"))
	if err := h.store.CheckSecondFactor(ctx, u, c.FormValue("code"), c.RealIP(), ""); err != nil {
		return h.verifyPage(c, 0, u, views.VerifyPage{Action: "/account/verify", Next: next, StepUp: true}, err)
	}
	return h.verified(c, next)
}

// verified notes the session's fresh second factor and goes to next.
func (h *Handler) verified(c echo.Context, next string) error {
	if err := h.markVerified(c); err != nil {
		return err
	}
	if next == "" {
		next = "/"
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// markVerified notes that the request's session passed its second factor
// now.
func (h *Handler) markVerified(c echo.Context) error {
	if ss, ok := httpx.Session(c); ok {
		return h.store.MarkVerified(c.Request().Context(), ss.ID)
	}
	return nil
}
