package atlasapi

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"

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
func (h *Handler) nonceKey(ctx context.Context) ([]byte, error) {
	if k := h.nonceKeys.Load(); k != nil {
		return *k, nil
	}
	v, err := h.store.SettingOrCreate(ctx, nonceKeySetting, func() string { return models.RandomToken(32) })
	if err != nil {
		return nil, fmt.Errorf("digest nonce key: %w", err)
	}
	k, err := hex.DecodeString(v)
	if err != nil || len(k) < 16 {
		return nil, fmt.Errorf("digest nonce key: stored value is not a key")
	}
	h.nonceKeys.Store(&k)
	return k, nil
}

// newNonce makes a nonce: the issue time and random bytes, signed, so that
// any replica can tell its age and that we made it without storing it.
func (h *Handler) newNonce(ctx context.Context) (string, error) {
	key, err := h.nonceKey(ctx)
	if err != nil {
		return "", err
	}
	b := make([]byte, 20, 36)
	binary.BigEndian.PutUint64(b, uint64(h.store.Now().UnixNano()))
	_, _ = rand.Read(b[8:])
	m := hmac.New(sha256.New, key)
	m.Write(b)
	return base64.RawURLEncoding.EncodeToString(m.Sum(b)[:36]), nil
}

// checkNonce reports when a nonce was issued and whether it is ours.
func (h *Handler) checkNonce(ctx context.Context, nonce string) (time.Time, bool, error) {
	key, err := h.nonceKey(ctx)
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
