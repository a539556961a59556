package console

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
	"github.com/pquerna/otp"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/views"
)

// accountUser is the user whose account page this is: the session's, or
// the pending login's that is enrolling (Enrolling).
func accountUser(c echo.Context) models.User {
	p := httpx.Principal(c)
	return models.User{ID: p.ID, Email: p.Name}
}

// SecurityShow renders the account's security page: second factors and
// password.
func (h *Handler) SecurityShow(c echo.Context) error {
	return h.securityPage(c, http.StatusOK, "")
}

func (h *Handler) securityPage(c echo.Context, status int, msg string) error {
	u := accountUser(c)
	f, err := h.store.Factors(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	p, err := h.accountLayout(c)
	if err != nil {
		return err
	}
	p.Title = "Account security"
	return httpx.Render(c, status, views.SecurityPageView(views.SecurityPage{Page: p, TOTP: f.TOTP, RecoveryLeft: f.RecoveryLeft,
		Passkeys: f.Passkeys, Enrolling: enrolling(c), Error: msg}))
}

// TOTPShow starts setting up an authenticator app: a new secret, shown as
// a QR code and as text.
func (h *Handler) TOTPShow(c echo.Context) error {
	u := accountUser(c)
	secret, err := h.store.BeginTOTP(c.Request().Context(), u)
	if models.ErrorCode(err) == models.EINVALID {
		return h.securityPage(c, http.StatusConflict, models.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	return h.totpSetup(c, http.StatusOK, u, secret, "")
}

// totpSetup renders the set-up page for secret.
func (h *Handler) totpSetup(c echo.Context, status int, u models.User, secret, msg string) error {
	qr, err := qrDataURL(models.TOTPURL(secret, u.Email))
	if err != nil {
		return err
	}
	p, err := h.accountLayout(c)
	if err != nil {
		return err
	}
	p.Title = "Set up an authenticator app"
	return httpx.Render(c, status, views.TOTPSetupView(views.TOTPSetup{Page: p, QR: qr, Secret: secret, Account: u.Email, Error: msg}))
}

// qrDataURL draws an otpauth:// address as a QR code, a PNG in a data:
// URL (the page's policy allows data: images, and nothing is fetched).
func qrDataURL(address string) (templ.SafeURL, error) {
	key, err := otp.NewKeyFromURL(address)
	if err != nil {
		return "", err
	}
	img, err := key.Image(200, 200)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return "", err
	}
	return templ.SafeURL("data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes())), nil
}

// TOTPConfirm turns the new authenticator on with a first right code and
// shows the recovery codes, this once. A login enrolling becomes a
// session here.
func (h *Handler) TOTPConfirm(c echo.Context) error {
	ctx := c.Request().Context()
	u := accountUser(c)
	codes, err := h.store.ConfirmTOTP(ctx, u, c.FormValue("code"), c.RealIP())
	if err != nil {
		if models.ErrorCode(err) == models.EINTERNAL {
			return err
		}
		secret, serr := h.store.UnconfirmedTOTP(ctx, u.ID)
		if serr != nil {
			return serr
		}
		if secret == "" {
			return h.securityPage(c, httpx.StatusOf(models.ErrorCode(err)), models.ErrorMessage(err))
		}
		return h.totpSetup(c, httpx.StatusOf(models.ErrorCode(err)), u, secret, models.ErrorMessage(err))
	}
	next, err := h.factorAdded(c)
	if err != nil {
		return err
	}
	p, err := h.accountLayout(c)
	if err != nil {
		return err
	}
	p.Title = "Your recovery codes"
	return httpx.Render(c, http.StatusOK, views.RecoveryCodesView(views.RecoveryCodesPage{Page: p, Codes: codes, Next: next}))
}

// factorAdded finishes adding a second factor: a login enrolling becomes
// a session that has passed it; a session notes it passed one now. It
// returns where the person goes next.
func (h *Handler) factorAdded(c echo.Context) (string, error) {
	if enrolling(c) {
		pl, _, err := h.pending(c)
		if err != nil {
			return "", err
		}
		return h.completeLogin(c, pl, true)
	}
	return "/account/security", h.markVerified(c)
}

// TOTPRemove turns the authenticator app off and drops its recovery codes.
func (h *Handler) TOTPRemove(c echo.Context) error {
	err := h.store.RemoveTOTP(c.Request().Context(), accountUser(c).ID)
	if models.ErrorCode(err) == models.EINVALID {
		return h.securityPage(c, http.StatusUnprocessableEntity, models.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	h.setFlash(c, "The authenticator app is removed.")
	return c.Redirect(http.StatusSeeOther, "/account/security")
}
