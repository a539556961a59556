package atlasapi

import (
	"crypto/subtle"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"supportaccess/models"
)

// verifyDigest checks Digest credentials (RFC 7616, qop=auth, MD5 or
// SHA-256). It reports stale when everything but the nonce's age is right,
// so that the client retries with a new nonce without asking the user.
func (h *Handler) verifyDigest(c echo.Context, header string) (models.Principal, bool, error) {
	ctx := c.Request().Context()
	r := c.Request()
	bad := func(msg string) (models.Principal, bool, error) {
		return models.Principal{}, false, models.Errorf(models.EUNAUTHORIZED, "%s", msg)
	}
	d, err := parseDigestAuthorization(header)
	if err != nil {
		return bad("The Digest authorization header is malformed.")
	}
	alg := d.Algorithm
	switch {
	case alg == "" || strings.EqualFold(alg, "MD5"):
		alg = "MD5"
	case strings.EqualFold(alg, "SHA-256"):
		alg = "SHA-256"
	default:
		return bad("Digest algorithm " + d.Algorithm + " is not supported; use MD5 or SHA-256.")
	}
	if d.Realm != models.DigestRealm {
		return bad("The Digest realm does not match this server's.")
	}
	nc, ncErr := strconv.ParseUint(d.NC, 16, 32)
	if d.Qop != "auth" || len(d.NC) != 8 || ncErr != nil || nc == 0 || d.Cnonce == "" {
		return bad(`Digest authentication here needs qop="auth" with nc and cnonce.`)
	}
	if d.URI != r.RequestURI && d.URI != r.URL.RequestURI() {
		return bad("The Digest uri does not match the request.")
	}
	issued, ours, err := h.checkNonce(ctx, d.Nonce)
	if err != nil {
		return models.Principal{}, false, err
	}
	if !ours {
		return bad("The Digest nonce was not issued by this server.")
	}
	wrong := "Unknown API key or wrong private key."
	k, err := h.store.APIKeyByPublicKey(ctx, d.Username)
	if models.ErrorCode(err) == models.EUNAUTHORIZED {
		return bad(wrong)
	}
	if err != nil {
		return models.Principal{}, false, err
	}
	ha1 := k.HA1MD5
	if alg == "SHA-256" {
		ha1 = k.HA1SHA256
	}
	ha2 := models.DigestHash(alg, r.Method+":"+d.URI)
	want := models.DigestHash(alg, strings.Join([]string{ha1, d.Nonce, d.NC, d.Cnonce, d.Qop, ha2}, ":"))
	if subtle.ConstantTimeCompare([]byte(want), []byte(strings.ToLower(d.Response))) != 1 {
		return bad(wrong)
	}
	now := h.store.Now()
	if now.Sub(issued) > nonceLifetime || issued.After(now.Add(time.Minute)) {
		p, _, err := bad("The Digest nonce has expired; retry with the new one.")
		return p, true, err
	}
	if err := h.store.UseDigestNonce(ctx, d.Nonce, int64(nc), issued.Add(nonceLifetime)); err != nil {
		return models.Principal{}, false, err
	}
	return k.Principal(), false, nil
}
