package handlers

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"supportaccess/models"
)

// nonceLifetime is how long a Digest nonce may be used. Clients ask for a
// new challenge with every request, so a few minutes is plenty.
const nonceLifetime = 5 * time.Minute

// nonceKeySetting names the settings row holding the key that signs nonces.
// Every replica reads the same key, so a nonce issued by one is accepted by
// all; only the nonce counts already used need shared storage.
const nonceKeySetting = "digest_nonce_key"

// nonceKey returns the key that signs nonces, read once: it never changes
// once made.
func (s *Server) nonceKey(ctx context.Context) ([]byte, error) {
	if k := s.nonceKeys.Load(); k != nil {
		return *k, nil
	}
	v, err := s.store.SettingOrCreate(ctx, nonceKeySetting, func() string { return models.RandomToken(32) })
	if err != nil {
		return nil, fmt.Errorf("digest nonce key: %w", err)
	}
	k, err := hex.DecodeString(v)
	if err != nil || len(k) < 16 {
		return nil, fmt.Errorf("digest nonce key: stored value is not a key")
	}
	s.nonceKeys.Store(&k)
	return k, nil
}

// newNonce makes a nonce: the issue time and random bytes, signed, so that
// any replica can tell its age and that we made it without storing it.
func (s *Server) newNonce(ctx context.Context) (string, error) {
	key, err := s.nonceKey(ctx)
	if err != nil {
		return "", err
	}
	b := make([]byte, 20, 36)
	binary.BigEndian.PutUint64(b, uint64(s.store.Now().UnixNano()))
	_, _ = rand.Read(b[8:])
	m := hmac.New(sha256.New, key)
	m.Write(b)
	return base64.RawURLEncoding.EncodeToString(m.Sum(b)[:36]), nil
}

// checkNonce reports when a nonce was issued and whether it is ours.
func (s *Server) checkNonce(ctx context.Context, nonce string) (time.Time, bool, error) {
	key, err := s.nonceKey(ctx)
	if err != nil {
		return time.Time{}, false, err
	}
	b, err := base64.RawURLEncoding.DecodeString(nonce)
	if err != nil || len(b) != 36 {
		return time.Time{}, false, nil
	}
	m := hmac.New(sha256.New, key)
	m.Write(b[:20])
	if !hmac.Equal(m.Sum(nil)[:16], b[20:]) {
		return time.Time{}, false, nil
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(b[:8]))).UTC(), true, nil
}

// apiAuth authenticates an Admin API request by HTTP Digest (API keys) or
// a bearer token (service accounts) and puts the principal where the
// console puts a user's, so that handlers and events treat them alike.
func (s *Server) apiAuth(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		scheme, credentials := authorization(c.Request())
		var p models.Principal
		var err error
		switch {
		case strings.EqualFold(scheme, "Bearer"):
			p, err = s.store.TokenPrincipal(c.Request().Context(), credentials)
			if models.ErrorCode(err) == models.EUNAUTHORIZED {
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="`+models.DigestRealm+`", error="invalid_token"`)
				return problem(http.StatusUnauthorized, "NOT_AUTHENTICATED", models.ErrorMessage(err))
			}
		case strings.EqualFold(scheme, "Digest"):
			var stale bool
			p, stale, err = s.verifyDigest(c, c.Request().Header.Get("Authorization"))
			if models.ErrorCode(err) == models.EUNAUTHORIZED {
				return s.challenge(c, models.ErrorMessage(err), stale)
			}
		default:
			return s.challenge(c, "Authenticate with an API key (HTTP Digest) or a service account's bearer token.", false)
		}
		if err != nil {
			return err
		}
		c.Set(ctxPrincipal, p)
		return next(c)
	}
}

// challenge answers 401 with a fresh nonce, offering MD5 first (what curl
// and the Atlas SDK pick, as they take the first challenge) and SHA-256.
func (s *Server) challenge(c echo.Context, detail string, stale bool) error {
	nonce, err := s.newNonce(c.Request().Context())
	if err != nil {
		return err
	}
	extra := ""
	if stale {
		extra = ", stale=true"
	}
	for _, alg := range []string{"MD5", "SHA-256"} {
		c.Response().Header().Add("WWW-Authenticate", fmt.Sprintf(`Digest realm="%s", domain="/api/atlas/v2", nonce="%s", algorithm=%s, qop="auth"%s`,
			models.DigestRealm, nonce, alg, extra))
	}
	return problem(http.StatusUnauthorized, "NOT_AUTHENTICATED", detail)
}

// verifyDigest checks Digest credentials (RFC 7616, qop=auth, MD5 or
// SHA-256). It reports stale when everything but the nonce's age is right,
// so that the client retries with a new nonce without asking the user.
func (s *Server) verifyDigest(c echo.Context, header string) (models.Principal, bool, error) {
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
	issued, ours, err := s.checkNonce(ctx, d.Nonce)
	if err != nil {
		return models.Principal{}, false, err
	}
	if !ours {
		return bad("The Digest nonce was not issued by this server.")
	}
	wrong := "Unknown API key or wrong private key."
	k, err := s.store.APIKeyByPublicKey(ctx, d.Username)
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
	now := s.store.Now()
	if now.Sub(issued) > nonceLifetime || issued.After(now.Add(time.Minute)) {
		p, _, err := bad("The Digest nonce has expired; retry with the new one.")
		return p, true, err
	}
	if err := s.store.UseDigestNonce(ctx, d.Nonce, int64(nc), issued.Add(nonceLifetime)); err != nil {
		return models.Principal{}, false, err
	}
	return k.Principal(), false, nil
}
