package store

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

// CreateServiceAccount creates a service account and returns it with its
// client secret, which is stored hashed and cannot be shown again. A form
// submitted again with the same request key creates nothing and is
// refused (ECONFLICT).
func (s *Store) CreateServiceAccount(ctx context.Context, actor models.Actor, req models.CredentialRequest) (models.ServiceAccount, string, error) {
	p := actor.Principal
	if err := s.checkCredentialRequest(ctx, p, serviceAccountKind, &req); err != nil {
		return models.ServiceAccount{}, "", err
	}
	now := s.now()
	secret := "mdb_sa_sk_" + models.RandomToken(32)
	a := models.ServiceAccount{ID: models.NewID(now), OrgID: req.OrgID, ClientID: "mdb_sa_id_" + models.NewID(now), Description: req.Description,
		Role: req.Role, ProjectID: req.ProjectID, SecretHash: models.SecretHash(secret), CreatedAt: models.At(now), CreatedBy: p.Name,
		RequestKey: storedRequestKey(req.RequestKey)}
	err := s.insertCredential(ctx, serviceAccountKind, req, func(tx *gorm.DB) error {
		if err := tx.Create(&a).Error; err != nil {
			return err
		}
		return insertEvent(tx, now, credentialEvent(models.EventServiceAccountCreated, a.OrgID, a.ProjectID, "Service account "+a.ClientID+" ("+a.Role.Label()+")"), actor)
	})
	if err != nil {
		return models.ServiceAccount{}, "", credentialError(serviceAccountKind, err)
	}
	return a, secret, nil
}

// ServiceAccounts lists an organization's service accounts, for its owners.
func (s *Store) ServiceAccounts(ctx context.Context, p models.Principal, orgID string) ([]models.ServiceAccount, error) {
	if err := models.AuthorizeCredentials(p, orgID); err != nil {
		return nil, err
	}
	var out []models.ServiceAccount
	err := s.db.WithContext(ctx).Where("org_id = ?", orgID).Order("created_at, id").Find(&out).Error
	return out, err
}

// DeleteServiceAccount deletes a service account and every token it holds.
func (s *Store) DeleteServiceAccount(ctx context.Context, actor models.Actor, orgID, id string) error {
	if err := models.AuthorizeCredentials(actor.Principal, orgID); err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var a models.ServiceAccount
		if err := tx.Where("id = ? AND org_id = ?", id, orgID).Limit(1).Find(&a).Error; err != nil {
			return fmt.Errorf("delete service account: %w", err)
		}
		if a.ID == "" {
			return models.Errorf(models.ENOTFOUND, "No service account with that id.")
		}
		if err := tx.Delete(&models.ServiceAccount{}, "id = ?", a.ID).Error; err != nil {
			return fmt.Errorf("delete service account: %w", err)
		}
		if err := tx.Where("service_account_id = ?", id).Delete(&models.AccessToken{}).Error; err != nil {
			return err
		}
		return insertEvent(tx, s.now(), credentialEvent(models.EventServiceAccountDeleted, a.OrgID, a.ProjectID, "Service account "+a.ClientID+" ("+a.Role.Label()+")"), actor)
	})
}

// authenticateClient checks a client id and secret. Every failure is the
// same error, and an unknown client costs the same comparison.
func (s *Store) authenticateClient(ctx context.Context, clientID, secret string) (models.ServiceAccount, error) {
	var a models.ServiceAccount
	if err := s.db.WithContext(ctx).Where("client_id = ?", clientID).Limit(1).Find(&a).Error; err != nil {
		return a, fmt.Errorf("authenticate client: %w", err)
	}
	stored := a.SecretHash
	if a.ID == "" {
		stored = models.SecretHash("no such client")
	}
	if subtle.ConstantTimeCompare([]byte(stored), []byte(models.SecretHash(secret))) != 1 || a.ID == "" {
		return models.ServiceAccount{}, models.Errorf(models.EUNAUTHORIZED, "Unknown client or wrong client secret.")
	}
	return a, nil
}

// IssueAccessToken authenticates a service account and issues a bearer
// token that lasts AccessTokenLifetime. Only the token's hash is stored.
func (s *Store) IssueAccessToken(ctx context.Context, clientID, secret string) (string, time.Duration, error) {
	a, err := s.authenticateClient(ctx, clientID, secret)
	if err != nil {
		return "", 0, err
	}
	now := s.now()
	token := models.RandomToken(32)
	db := s.db.WithContext(ctx)
	if err := db.Where("service_account_id = ? AND expires_at <= ?", a.ID, models.At(now)).Delete(&models.AccessToken{}).Error; err != nil {
		return "", 0, fmt.Errorf("issue token: %w", err)
	}
	t := models.AccessToken{TokenHash: models.SecretHash(token), ServiceAccountID: a.ID, ExpiresAt: models.At(now.Add(models.AccessTokenLifetime)), CreatedAt: models.At(now)}
	if err := db.Create(&t).Error; err != nil {
		return "", 0, fmt.Errorf("issue token: %w", err)
	}
	return token, models.AccessTokenLifetime, nil
}

// tokenPrincipalTargets are the columns of a service account that make
// its principal.
func tokenPrincipalTargets(a *models.ServiceAccount) []any {
	return []any{&a.ID, &a.OrgID, &a.ClientID, &a.Role, &a.ProjectID}
}

var qTokenPrincipal = newQuery(`SELECT `+columnsOf(tokenPrincipalTargets, "a")+`
	FROM access_tokens t JOIN service_accounts a ON a.id = t.service_account_id
	WHERE t.token_hash = ? AND t.expires_at > ? LIMIT 1`, "")

// TokenPrincipal returns the service account a live bearer token belongs to.
func (s *Store) TokenPrincipal(ctx context.Context, token string) (models.Principal, error) {
	bad := models.Errorf(models.EUNAUTHORIZED, "The bearer token is unknown, revoked or expired. Ask /api/oauth/token for a new one.")
	// The token and its service account in one statement, scanned without
	// reflection: every Admin API call with a bearer token starts here.
	var a models.ServiceAccount
	err := queryRow(s.db.WithContext(ctx), qTokenPrincipal, models.SecretHash(token), int64(models.At(s.now()))).Scan(tokenPrincipalTargets(&a)...)
	if errors.Is(err, sql.ErrNoRows) {
		return models.Principal{}, bad
	}
	if err != nil {
		return models.Principal{}, fmt.Errorf("check token: %w", err)
	}
	return a.Principal(), nil
}

// RevokeAccessToken ends one of the authenticated client's tokens. An
// unknown token is not an error (RFC 7009): the outcome is the same.
func (s *Store) RevokeAccessToken(ctx context.Context, clientID, secret, token string) error {
	a, err := s.authenticateClient(ctx, clientID, secret)
	if err != nil {
		return err
	}
	return s.db.WithContext(ctx).Where("token_hash = ? AND service_account_id = ?", models.SecretHash(token), a.ID).Delete(&models.AccessToken{}).Error
}
