package console

import (
	"encoding/base64"
	"encoding/json"
	"net/url"

	"github.com/go-webauthn/webauthn/webauthn"
	"github.com/labstack/echo/v4"

	"supportaccess/models"
)

// The relying party of passkeys is the console's address: Config.PublicURL
// when set (its host is the RP ID, itself the one allowed origin), else
// the address the request came to. A browser binds a passkey to the RP ID
// and signs the origin it saw, so a passkey made here answers nowhere
// else, and an answer relayed through another site names that site and is
// refused. Browsers allow passkeys only in a secure context: HTTPS, or
// http://localhost (not 127.0.0.1, which cannot be an RP ID).
func (h *Handler) relyingParty(c echo.Context) (*webauthn.WebAuthn, error) {
	origin := h.publicURL
	if origin == "" {
		origin = c.Scheme() + "://" + c.Request().Host
	}
	u, err := url.Parse(origin)
	if err != nil || u.Hostname() == "" {
		return nil, models.Errorf(models.EINVALID, "Passkeys need the console's address to be a host name.")
	}
	w, err := webauthn.New(&webauthn.Config{RPID: u.Hostname(), RPDisplayName: models.Issuer, RPOrigins: []string{u.Scheme + "://" + u.Host}})
	if err != nil {
		return nil, models.Errorf(models.EINVALID, "Passkeys cannot be used at this address: %s.", u.Hostname())
	}
	return w, nil
}

// passkeyUser is a user as the WebAuthn library sees them, with their
// passkeys. The user handle is the user's id, which names nothing else.
type passkeyUser struct {
	u     models.User
	creds []webauthn.Credential
}

// WebAuthnID is the user handle: the user's id.
func (p passkeyUser) WebAuthnID() []byte { return []byte(p.u.ID) }

// WebAuthnName is the account's name an authenticator shows: the email.
func (p passkeyUser) WebAuthnName() string { return p.u.Email }

// WebAuthnDisplayName is WebAuthnName; the console knows no other name.
func (p passkeyUser) WebAuthnDisplayName() string { return p.u.Email }

// WebAuthnCredentials are the user's passkeys, as the library keeps them.
func (p passkeyUser) WebAuthnCredentials() []webauthn.Credential { return p.creds }

// loadPasskeyUser reads the user's passkeys into the library's records.
func (h *Handler) loadPasskeyUser(c echo.Context, u models.User) (passkeyUser, error) {
	f, err := h.store.Factors(c.Request().Context(), u.ID)
	if err != nil {
		return passkeyUser{}, err
	}
	pu := passkeyUser{u: u}
	for _, k := range f.Passkeys {
		var cred webauthn.Credential
		if err := json.Unmarshal([]byte(k.Credential), &cred); err != nil {
			return passkeyUser{}, err
		}
		pu.creds = append(pu.creds, cred)
	}
	return pu, nil
}

// credentialID is how a passkey's id is kept and put in paths.
func credentialID(raw []byte) string { return base64.RawURLEncoding.EncodeToString(raw) }

// ceremonyPurpose names a ceremony in progress: registering, logging in,
// stepping up.
const (
	purposeRegister = "register"
	purposeLogin    = "login"
	purposeStepUp   = "stepup"
)

// passkeyRefused is the one answer for an assertion or attestation the
// library refused: its details are for the log, not the browser.
func passkeyRefused() error {
	return models.Errorf(models.EUNAUTHORIZED, "The passkey was not accepted. Try again, or use another factor.")
}
