package store

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

// CreateAPIKey creates an API key and returns it with its private key,
// which is never stored and cannot be shown again. A form submitted again
// with the same request key creates nothing and is refused (ECONFLICT).
func (s *Store) CreateAPIKey(ctx context.Context, a models.Actor, req models.CredentialRequest) (models.APIKey, string, error) {
	p := a.Principal
	if err := s.checkCredentialRequest(ctx, p, apiKeyKind, &req); err != nil {
		return models.APIKey{}, "", err
	}
	now := s.now()
	private := newPrivateKey()
	k := models.APIKey{ID: models.NewID(now), OrgID: req.OrgID, PublicKey: newPublicKey(), Description: req.Description,
		Role: req.Role, ProjectID: req.ProjectID, CreatedAt: models.At(now), CreatedBy: p.Name, RequestKey: storedRequestKey(req.RequestKey)}
	var err error
	// Eight letters leave room for a rare collision; a fresh key then wins.
	for attempt := 0; attempt < 4; attempt++ {
		k.HA1MD5 = models.DigestHA1("MD5", k.PublicKey, private)
		k.HA1SHA256 = models.DigestHA1("SHA-256", k.PublicKey, private)
		err = s.insertCredential(ctx, apiKeyKind, req, func(tx *gorm.DB) error {
			if err := tx.Create(&k).Error; err != nil {
				return err
			}
			return insertEvent(tx, now, credentialEvent(models.EventAPIKeyCreated, k.OrgID, k.ProjectID, "API key "+k.PublicKey+" ("+k.Role.Label()+")"), a)
		})
		if err == nil || !isUniqueViolation(err) {
			break
		}
		k.PublicKey = newPublicKey()
	}
	if err != nil {
		return models.APIKey{}, "", credentialError(apiKeyKind, err)
	}
	return k, private, nil
}

// APIKeys lists an organization's API keys, for its owners.
func (s *Store) APIKeys(ctx context.Context, p models.Principal, orgID string) ([]models.APIKey, error) {
	if err := models.AuthorizeCredentials(p, orgID); err != nil {
		return nil, err
	}
	var out []models.APIKey
	err := s.db.WithContext(ctx).Where("org_id = ?", orgID).Order("created_at, id").Find(&out).Error
	return out, err
}

// DeleteAPIKey deletes an API key; requests signed with it fail at once.
func (s *Store) DeleteAPIKey(ctx context.Context, a models.Actor, orgID, id string) error {
	if err := models.AuthorizeCredentials(a.Principal, orgID); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var k models.APIKey
		if err := tx.Where("id = ? AND org_id = ?", id, orgID).Limit(1).Find(&k).Error; err != nil {
			return fmt.Errorf("delete api key: %w", err)
		}
		if k.ID == "" {
			return models.Errorf(models.ENOTFOUND, "No API key with that id.")
		}
		if err := tx.Delete(&models.APIKey{}, "id = ?", k.ID).Error; err != nil {
			return fmt.Errorf("delete api key: %w", err)
		}
		return insertEvent(tx, s.now(), credentialEvent(models.EventAPIKeyDeleted, k.OrgID, k.ProjectID, "API key "+k.PublicKey+" ("+k.Role.Label()+")"), a)
	})
}

// APIKeyByPublicKey finds the key a Digest request names.
func (s *Store) APIKeyByPublicKey(ctx context.Context, publicKey string) (models.APIKey, error) {
	var k models.APIKey
	err := s.db.WithContext(ctx).Where("public_key = ?", publicKey).Limit(1).Find(&k).Error
	if err != nil {
		return k, fmt.Errorf("find api key: %w", err)
	}
	if k.ID == "" {
		return k, models.Errorf(models.EUNAUTHORIZED, "Unknown API key.")
	}
	return k, nil
}

// UseDigestNonce accepts a nonce count once. A second use of the same
// (nonce, count), from any replica, is a replay and is refused.
func (s *Store) UseDigestNonce(ctx context.Context, nonce string, nc int64, expires time.Time) error {
	err := s.db.WithContext(ctx).Create(&digestNonceUse{Nonce: nonce, NC: nc, ExpiresAt: models.At(expires)}).Error
	if err != nil && isUniqueViolation(err) {
		return models.Errorf(models.EUNAUTHORIZED, "This nonce count was already used. Each request needs a new one.")
	}
	return err
}

// PruneDigestNonces forgets the counts of nonces that have expired, which
// no request can use again. The server's sweep runs it, off the path of
// the requests.
func (s *Store) PruneDigestNonces(ctx context.Context) error {
	if err := s.db.WithContext(ctx).Where("expires_at < ?", models.At(s.now())).Delete(&digestNonceUse{}).Error; err != nil {
		return fmt.Errorf("prune nonces: %w", err)
	}
	return nil
}

// digestNonceUse records one accepted (nonce, nonce count) pair.
type digestNonceUse struct {
	Nonce     string
	NC        int64 `gorm:"column:nc"`
	ExpiresAt models.Instant
}

func (digestNonceUse) TableName() string { return "digest_nonce_uses" }

// newPublicKey makes an Atlas-style public key: eight lowercase letters.
func newPublicKey() string {
	out := make([]byte, 8)
	_, _ = rand.Read(out)
	for i := range out {
		out[i] = 'a' + out[i]%26
	}
	return string(out)
}

// newPrivateKey makes an Atlas-style private key: a random UUID (122 bits).
func newPrivateKey() string {
	h := []byte(models.RandomToken(16))
	h[12] = '4'
	h[16] = "89ab"[h[16]%4]
	return fmt.Sprintf("%s-%s-%s-%s-%s", h[0:8], h[8:12], h[12:16], h[16:20], h[20:32])
}
