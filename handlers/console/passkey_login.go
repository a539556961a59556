package console

import (
	"encoding/json"
	"net/http"

	"github.com/go-webauthn/webauthn/webauthn"
	"github.com/labstack/echo/v4"

	"supportaccess/models"
)

// A passkey as the second factor: after the password (a pending login),
// or again before a sensitive change (a session). Each begins with the
// options navigator.credentials.get takes, limited to the user's own
// passkeys, and ends with the assertion checked against them.

// PasskeyLoginBegin starts a pending login's passkey check.
func (h *Handler) PasskeyLoginBegin(c echo.Context) error {
	pl, u, err := h.pending(c)
	if err != nil || pl.Stage != models.StageVerify {
		return jsonError(c, errPendingGone(err))
	}
	return h.passkeyBegin(c, u, purposeLogin)
}

// PasskeyLoginFinish checks a pending login's assertion and starts the
// session.
func (h *Handler) PasskeyLoginFinish(c echo.Context) error {
	pl, u, err := h.pending(c)
	if err != nil || pl.Stage != models.StageVerify {
		return jsonError(c, errPendingGone(err))
	}
	if err := h.passkeyFinish(c, u, purposeLogin); err != nil {
		return jsonError(c, err)
	}
	next, err := h.completeLogin(c, pl, true)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"redirect": next})
}

// PasskeyStepUpBegin starts a session's passkey check before a sensitive
// change.
func (h *Handler) PasskeyStepUpBegin(c echo.Context) error {
	return h.passkeyBegin(c, accountUser(c), purposeStepUp)
}

// PasskeyStepUpFinish checks the assertion and notes the session's fresh
// second factor.
func (h *Handler) PasskeyStepUpFinish(c echo.Context) error {
	if err := h.passkeyFinish(c, accountUser(c), purposeStepUp); err != nil {
		return jsonError(c, err)
	}
	if err := h.markVerified(c); err != nil {
		return err
	}
	next := safeNext(c.QueryParam("next"))
	if next == "" {
		next = "/"
	}
	return c.JSON(http.StatusOK, map[string]string{"redirect": next})
}

// errPendingGone is the refusal of a passkey request without a pending
// login to answer for; an internal error stays one.
func errPendingGone(err error) error {
	if models.ErrorCode(err) == models.EINTERNAL {
		return err
	}
	return models.Errorf(models.EUNAUTHORIZED, "Your login took too long or has ended. Log in again.")
}

// passkeyBegin sends the assertion options for the user's passkeys and
// keeps the ceremony.
func (h *Handler) passkeyBegin(c echo.Context, u models.User, purpose string) error {
	w, err := h.relyingParty(c)
	if err != nil {
		return jsonError(c, err)
	}
	pu, err := h.loadPasskeyUser(c, u)
	if err != nil {
		return err
	}
	if len(pu.creds) == 0 {
		return jsonError(c, models.Errorf(models.EINVALID, "You have no passkey. Use your authenticator app or a recovery code."))
	}
	options, session, err := w.BeginLogin(pu)
	if err != nil {
		return err
	}
	data, err := json.Marshal(session)
	if err != nil {
		return err
	}
	if err := h.store.SaveCeremony(c.Request().Context(), u.ID, purpose, string(data)); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, options)
}

// passkeyFinish checks an assertion against the ceremony and the user's
// own passkeys: one of another user's, a signature that does not verify,
// or a counter that did not go up is refused, and the ceremony is spent
// either way.
func (h *Handler) passkeyFinish(c echo.Context, u models.User, purpose string) error {
	ctx := c.Request().Context()
	data, err := h.store.TakeCeremony(ctx, u.ID, purpose)
	if err != nil {
		return err
	}
	var session webauthn.SessionData
	if err := json.Unmarshal([]byte(data), &session); err != nil {
		return err
	}
	w, err := h.relyingParty(c)
	if err != nil {
		return err
	}
	pu, err := h.loadPasskeyUser(c, u)
	if err != nil {
		return err
	}
	cred, err := w.FinishLogin(pu, session, c.Request())
	if err != nil {
		return passkeyRefused()
	}
	if cred.Authenticator.CloneWarning {
		return models.ErrPasskeyCounter()
	}
	record, err := json.Marshal(cred)
	if err != nil {
		return err
	}
	return h.store.UsePasskey(ctx, u.ID, credentialID(cred.ID), cred.Authenticator.SignCount, string(record))
}
