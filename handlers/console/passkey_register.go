package console

import (
	"encoding/json"
	"net/http"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
)

// registration is a registration ceremony's kept data: the library's
// session and the name the person gave the passkey.
type registration struct {
	Session webauthn.SessionData
	Name    string
}

// PasskeyRegisterBegin starts adding a passkey: the options the browser's
// navigator.credentials.create takes, as JSON. The passkeys the user has
// are excluded, so that one authenticator is not added twice.
func (h *Handler) PasskeyRegisterBegin(c echo.Context) error {
	name := c.FormValue("name")
	if _, err := models.ValidPasskeyName(name); err != nil {
		return jsonError(c, err)
	}
	w, err := h.relyingParty(c)
	if err != nil {
		return jsonError(c, err)
	}
	pu, err := h.loadPasskeyUser(c, accountUser(c))
	if err != nil {
		return err
	}
	exclude := make([]protocol.CredentialDescriptor, len(pu.creds))
	for i, cr := range pu.creds {
		exclude[i] = cr.Descriptor()
	}
	options, session, err := w.BeginRegistration(pu, webauthn.WithExclusions(exclude),
		webauthn.WithResidentKeyRequirement(protocol.ResidentKeyRequirementPreferred))
	if err != nil {
		return err
	}
	data, err := json.Marshal(registration{Session: *session, Name: name})
	if err != nil {
		return err
	}
	if err := h.store.SaveCeremony(c.Request().Context(), pu.u.ID, purposeRegister, string(data)); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, options)
}

// PasskeyRegisterFinish checks the browser's new credential against the
// ceremony and keeps it. A login enrolling becomes a session here. The
// answer is JSON: where to go next.
func (h *Handler) PasskeyRegisterFinish(c echo.Context) error {
	ctx := c.Request().Context()
	u := accountUser(c)
	data, err := h.store.TakeCeremony(ctx, u.ID, purposeRegister)
	if err != nil {
		return jsonError(c, err)
	}
	var reg registration
	if err := json.Unmarshal([]byte(data), &reg); err != nil {
		return err
	}
	w, err := h.relyingParty(c)
	if err != nil {
		return jsonError(c, err)
	}
	pu, err := h.loadPasskeyUser(c, u)
	if err != nil {
		return err
	}
	cred, err := w.FinishRegistration(pu, reg.Session, c.Request())
	if err != nil {
		return jsonError(c, passkeyRefused())
	}
	record, err := json.Marshal(cred)
	if err != nil {
		return err
	}
	k := models.Passkey{ID: credentialID(cred.ID), Name: reg.Name, Credential: string(record), SignCount: int64(cred.Authenticator.SignCount)}
	if _, err := h.store.AddPasskey(ctx, u.ID, k); err != nil {
		return jsonError(c, err)
	}
	next, err := h.factorAdded(c)
	if err != nil {
		return err
	}
	if !enrolling(c) {
		h.setFlash(c, "Passkey \u201c"+reg.Name+"\u201d added.")
	}
	return c.JSON(http.StatusOK, map[string]string{"redirect": next})
}

// PasskeyRemove removes one of the user's passkeys.
func (h *Handler) PasskeyRemove(c echo.Context) error {
	err := h.store.RemovePasskey(c.Request().Context(), accountUser(c).ID, c.Param("id"))
	if models.ErrorCode(err) == models.EINVALID {
		return h.securityPage(c, http.StatusUnprocessableEntity, models.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	h.setFlash(c, "The passkey is removed.")
	return c.Redirect(http.StatusSeeOther, "/account/security")
}

// jsonError answers a passkey request's refusal as JSON the script shows:
// {"error": message}, with the error's status. Internal errors go to the
// server's error writer.
func jsonError(c echo.Context, err error) error {
	if models.ErrorCode(err) == models.EINTERNAL {
		return err
	}
	return c.JSON(httpx.StatusOf(models.ErrorCode(err)), map[string]string{"error": models.ErrorMessage(err)})
}
