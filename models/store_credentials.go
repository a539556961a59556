package models

import (
	"context"
	"crypto/md5" //nolint:gosec // HTTP Digest as curl and the Atlas SDK speak it is defined over MD5.
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

func init() {
	registerMigration(3,
		`CREATE TABLE api_keys (id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id), public_key TEXT NOT NULL, description TEXT NOT NULL, role TEXT NOT NULL, project_id TEXT NOT NULL DEFAULT '', ha1_md5 TEXT NOT NULL, ha1_sha256 TEXT NOT NULL, created_at BIGINT NOT NULL, created_by TEXT NOT NULL DEFAULT '')`,
		`CREATE UNIQUE INDEX api_keys_public_key ON api_keys(public_key)`,
		`CREATE INDEX api_keys_org ON api_keys(org_id)`,
		`CREATE TABLE service_accounts (id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id), client_id TEXT NOT NULL, description TEXT NOT NULL, role TEXT NOT NULL, project_id TEXT NOT NULL DEFAULT '', secret_hash TEXT NOT NULL, created_at BIGINT NOT NULL, created_by TEXT NOT NULL DEFAULT '')`,
		`CREATE UNIQUE INDEX service_accounts_client_id ON service_accounts(client_id)`,
		`CREATE INDEX service_accounts_org ON service_accounts(org_id)`,
		`CREATE TABLE access_tokens (token_hash TEXT PRIMARY KEY, service_account_id TEXT NOT NULL, expires_at BIGINT NOT NULL, created_at BIGINT NOT NULL)`,
		`CREATE INDEX access_tokens_account ON access_tokens(service_account_id)`,
		// One row per (nonce, nonce count) the server accepted: a second
		// insert of the same pair is a replay, on whichever replica it lands.
		`CREATE TABLE digest_nonce_uses (nonce TEXT NOT NULL, nc BIGINT NOT NULL, expires_at BIGINT NOT NULL, PRIMARY KEY (nonce, nc))`,
		`CREATE INDEX digest_nonce_uses_expiry ON digest_nonce_uses(expires_at)`,
	)
	// The request key of the console form that made a credential: the
	// database itself lets one form create one credential, whichever
	// replica each submission lands on. NULL for credentials made before,
	// or by operator commands. Unique per organization, so that a key
	// seen in one organization means nothing in another.
	registerMigration(8,
		`ALTER TABLE api_keys ADD COLUMN request_key TEXT`,
		`CREATE UNIQUE INDEX api_keys_request_key ON api_keys(org_id, request_key) WHERE request_key IS NOT NULL`,
		`ALTER TABLE service_accounts ADD COLUMN request_key TEXT`,
		`CREATE UNIQUE INDEX service_accounts_request_key ON service_accounts(org_id, request_key) WHERE request_key IS NOT NULL`,
	)
}

// DigestRealm is the realm of the Admin API's HTTP Digest challenge. The
// stored HA1 values are computed over it, so it must never change.
const DigestRealm = "Support Access Admin API"

// AccessTokenLifetime is how long a service account's bearer token lasts.
const AccessTokenLifetime = time.Hour

// APIKey is an organization's programmatic credential for HTTP Digest: a
// public key (the username) and a private key (the password) shown once.
//
// The private key itself is not stored. Digest (RFC 7616) makes the server
// recompute H(HA1:nonce:...) for every request, so it needs HA1 =
// H(publicKey:realm:privateKey) for each algorithm it offers; a salted slow
// hash cannot serve. HA1 does not reveal the private key, but it is
// secret-equivalent for this realm: whoever reads it from the database can
// authenticate as the key. Treat the database (and its backups) as secret.
type APIKey struct {
	ID          string `gorm:"primaryKey"`
	OrgID       string
	PublicKey   string
	Description string
	Role        Role
	ProjectID   string // set with a project role
	HA1MD5      string `gorm:"column:ha1_md5"`
	HA1SHA256   string `gorm:"column:ha1_sha256"`
	CreatedAt   Instant
	CreatedBy   string
	RequestKey  *string // of the console form that created it, if any
}

// ServiceAccount is an organization's OAuth 2.0 client-credentials
// identity. The client secret is random and long, so a SHA-256 hash is
// enough to make the stored value useless to a reader of the database.
type ServiceAccount struct {
	ID          string `gorm:"primaryKey"`
	OrgID       string
	ClientID    string
	Description string
	Role        Role
	ProjectID   string
	SecretHash  string
	CreatedAt   Instant
	CreatedBy   string
	RequestKey  *string // of the console form that created it, if any
}

// AccessToken is a bearer token issued to a service account, stored hashed.
type AccessToken struct {
	TokenHash        string `gorm:"primaryKey"`
	ServiceAccountID string
	ExpiresAt        Instant
	CreatedAt        Instant
}

// digestNonceUse records one accepted (nonce, nonce count) pair.
type digestNonceUse struct {
	Nonce     string
	NC        int64 `gorm:"column:nc"`
	ExpiresAt Instant
}

func (digestNonceUse) TableName() string { return "digest_nonce_uses" }

// CredentialRequest asks for an API key or a service account with one role.
type CredentialRequest struct {
	OrgID       string
	Description string
	Role        Role
	ProjectID   string // required with a project role, refused otherwise
	// RequestKey, when set, is the random key of the console form that
	// sent the request: one form creates one credential, however often it
	// is submitted. At most MaxRequestKey bytes.
	RequestKey string
}

// Operator is the principal of operator commands run on the server: the
// owner of the one organization the command names.
func Operator(orgID string) Principal {
	return Principal{Kind: ActorSystem, Name: "operator", OrgRoles: map[string]Role{orgID: OrgOwner}, ProjectRoles: map[string]Role{}}
}

// credentialPrincipal gives a credential the same roles a user with that
// role would hold: a project role makes it an Organization Member too.
func credentialPrincipal(kind ActorKind, id, name, orgID string, role Role, projectID string) Principal {
	p := Principal{Kind: kind, ID: id, Name: name, OrgRoles: map[string]Role{orgID: role}, ProjectRoles: map[string]Role{}}
	if role.IsProjectRole() {
		p.OrgRoles[orgID] = OrgMember
		p.ProjectRoles[projectID] = role
	}
	return p
}

// Principal is the API key acting, named by its public key in events.
func (k APIKey) Principal() Principal {
	return credentialPrincipal(ActorAPIKey, k.ID, k.PublicKey, k.OrgID, k.Role, k.ProjectID)
}

// Principal is the service account acting, named by its client id in events.
func (a ServiceAccount) Principal() Principal {
	return credentialPrincipal(ActorServiceAccount, a.ID, a.ClientID, a.OrgID, a.Role, a.ProjectID)
}

// authorizeCredentials lets only organization owners manage credentials;
// others who cannot see the organization learn nothing of it.
func authorizeCredentials(p Principal, orgID string) error {
	if !CanViewOrg(p, orgID) {
		return errNoOrg()
	}
	if !CanManageCredentials(p, orgID) {
		return Errorf(EFORBIDDEN, "Only an Organization Owner can manage API keys and service accounts.")
	}
	return nil
}

// validateCredential checks a request: a description, a known role, and a
// project of the same organization exactly when the role is a project role.
func (s *Store) validateCredential(ctx context.Context, req *CredentialRequest) error {
	req.Description = strings.TrimSpace(req.Description)
	if req.Description == "" || utf8.RuneCountInString(req.Description) > 250 {
		return FieldError("description", "A description of 1 to 250 characters is required.")
	}
	if _, err := ParseRole(string(req.Role)); err != nil {
		return err
	}
	if !req.Role.IsProjectRole() {
		if req.ProjectID != "" {
			return FieldError("project", "Role %s is an organization role; it takes no project.", req.Role)
		}
		return nil
	}
	if req.ProjectID == "" {
		return FieldError("project", "Role %s needs a project.", req.Role)
	}
	var pr Project
	err := s.DB.WithContext(ctx).Where("id = ? AND org_id = ?", req.ProjectID, req.OrgID).Limit(1).Find(&pr).Error
	if err != nil {
		return fmt.Errorf("check project: %w", err)
	}
	if pr.ID == "" {
		return FieldError("project", "No project with that id in this organization.")
	}
	return nil
}

// DigestHA1 computes H(username:realm:password) with the named algorithm
// ("MD5" or "SHA-256"), as RFC 7616 defines it.
func DigestHA1(algorithm, username, password string) string {
	return DigestHash(algorithm, username+":"+DigestRealm+":"+password)
}

// DigestHash is the hex digest of s with "MD5" or "SHA-256" (the default).
func DigestHash(algorithm, s string) string {
	if algorithm == "MD5" {
		sum := md5.Sum([]byte(s)) //nolint:gosec // see the import
		return hex.EncodeToString(sum[:])
	}
	return secretHash(s)
}

// CreateAPIKey creates an API key and returns it with its private key,
// which is never stored and cannot be shown again. A form submitted again
// with the same request key creates nothing and is refused (ECONFLICT).
func (s *Store) CreateAPIKey(ctx context.Context, a Actor, req CredentialRequest) (APIKey, string, error) {
	p := a.Principal
	if err := s.checkCredentialRequest(ctx, p, apiKeyKind, &req); err != nil {
		return APIKey{}, "", err
	}
	now := s.now()
	private := newPrivateKey()
	k := APIKey{ID: NewID(now), OrgID: req.OrgID, PublicKey: newPublicKey(), Description: req.Description,
		Role: req.Role, ProjectID: req.ProjectID, CreatedAt: At(now), CreatedBy: p.Name, RequestKey: storedRequestKey(req.RequestKey)}
	var err error
	// Eight letters leave room for a rare collision; a fresh key then wins.
	for attempt := 0; attempt < 4; attempt++ {
		k.HA1MD5 = DigestHA1("MD5", k.PublicKey, private)
		k.HA1SHA256 = DigestHA1("SHA-256", k.PublicKey, private)
		err = s.insertCredential(ctx, apiKeyKind, req, func(tx *gorm.DB) error {
			if err := tx.Create(&k).Error; err != nil {
				return err
			}
			return insertEvent(tx, now, credentialEvent(EventAPIKeyCreated, k.OrgID, k.ProjectID, "API key "+k.PublicKey+" ("+k.Role.Label()+")"), a)
		})
		if err == nil || !isUniqueViolation(err) {
			break
		}
		k.PublicKey = newPublicKey()
	}
	if err != nil {
		return APIKey{}, "", credentialError(apiKeyKind, err)
	}
	return k, private, nil
}

// credentialKind is what the two kinds of credential differ in where
// their create paths are the same.
type credentialKind struct {
	name        string // as messages name it
	table       string
	idColumn    string // of the id a message names the credential by
	secretLabel string // of the secret shown once
}

var (
	apiKeyKind         = credentialKind{name: "API key", table: "api_keys", idColumn: "public_key", secretLabel: "private key"}
	serviceAccountKind = credentialKind{name: "service account", table: "service_accounts", idColumn: "client_id", secretLabel: "client secret"}
)

// checkCredentialRequest runs the checks before a credential is created:
// authorization, then whether the form was used already, then the fields.
// A form that already created its credential is answered as such even
// when its fields no longer pass (say, its project is gone): a field error
// would show the form again, with a fresh request key, one click from a
// second credential.
func (s *Store) checkCredentialRequest(ctx context.Context, p Principal, kind credentialKind, req *CredentialRequest) error {
	if err := authorizeCredentials(p, req.OrgID); err != nil {
		return err
	}
	if err := checkRequestKey(req.RequestKey); err != nil {
		return err
	}
	if err := s.credentialFormUsed(ctx, kind, *req); err != nil {
		return err
	}
	return s.validateCredential(ctx, req)
}

// insertCredential runs insert, which creates one credential of kind and
// its event, in a transaction. When the insert breaks a unique index, the
// same form, submitted at the same moment through another replica, may
// have won: that is answered as the form already used. Any other unique
// violation is returned as it is, for the caller to retry or report.
func (s *Store) insertCredential(ctx context.Context, kind credentialKind, req CredentialRequest, insert func(tx *gorm.DB) error) error {
	err := s.DB.WithContext(ctx).Transaction(insert)
	if err != nil && isUniqueViolation(err) {
		if used := s.credentialFormUsed(ctx, kind, req); used != nil {
			return used
		}
	}
	return err
}

// credentialError is the error of a failed create: a domain error as it
// is, anything else wrapped with what failed.
func credentialError(kind credentialKind, err error) error {
	if ErrorCode(err) != EINTERNAL {
		return err
	}
	return fmt.Errorf("create %s: %w", kind.name, err)
}

// credentialFormUsed refuses a request whose form already created a
// credential of kind in the organization. Only that organization's
// credentials are searched, so a request key says nothing about any other
// organization.
func (s *Store) credentialFormUsed(ctx context.Context, kind credentialKind, req CredentialRequest) error {
	if req.RequestKey == "" {
		return nil
	}
	var ids []string
	err := s.DB.WithContext(ctx).Table(kind.table).Where("org_id = ? AND request_key = ?", req.OrgID, req.RequestKey).
		Limit(1).Pluck(kind.idColumn, &ids).Error
	if err != nil {
		return fmt.Errorf("find %s by request key: %w", kind.name, err)
	}
	if len(ids) == 0 {
		return nil
	}
	return alreadyCreated(kind.name, ids[0], kind.secretLabel)
}

// alreadyCreated is the answer to a create form submitted again (a reload,
// a double click, a retried request): which credential the form made, and
// what to do about a secret that cannot be shown again.
func alreadyCreated(kind, id, secretLabel string) error {
	return &Error{Code: ECONFLICT, Field: "requestKey", Message: fmt.Sprintf(
		"This form already created %s %s; nothing new was created. Its %s was shown only once, when it was created. "+
			"If you did not copy it, delete %s %s and create another.", kind, id, secretLabel, kind, id)}
}

// storedRequestKey is a request key as its column holds it: NULL for none.
func storedRequestKey(key string) *string {
	if key == "" {
		return nil
	}
	return &key
}

// APIKeys lists an organization's API keys, for its owners.
func (s *Store) APIKeys(ctx context.Context, p Principal, orgID string) ([]APIKey, error) {
	if err := authorizeCredentials(p, orgID); err != nil {
		return nil, err
	}
	var out []APIKey
	err := s.DB.WithContext(ctx).Where("org_id = ?", orgID).Order("created_at, id").Find(&out).Error
	return out, err
}

// DeleteAPIKey deletes an API key; requests signed with it fail at once.
func (s *Store) DeleteAPIKey(ctx context.Context, a Actor, orgID, id string) error {
	if err := authorizeCredentials(a.Principal, orgID); err != nil {
		return err
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var k APIKey
		if err := tx.Where("id = ? AND org_id = ?", id, orgID).Limit(1).Find(&k).Error; err != nil {
			return fmt.Errorf("delete api key: %w", err)
		}
		if k.ID == "" {
			return Errorf(ENOTFOUND, "No API key with that id.")
		}
		if err := tx.Delete(&APIKey{}, "id = ?", k.ID).Error; err != nil {
			return fmt.Errorf("delete api key: %w", err)
		}
		return insertEvent(tx, s.now(), credentialEvent(EventAPIKeyDeleted, k.OrgID, k.ProjectID, "API key "+k.PublicKey+" ("+k.Role.Label()+")"), a)
	})
}

// APIKeyByPublicKey finds the key a Digest request names.
func (s *Store) APIKeyByPublicKey(ctx context.Context, publicKey string) (APIKey, error) {
	var k APIKey
	err := s.DB.WithContext(ctx).Where("public_key = ?", publicKey).Limit(1).Find(&k).Error
	if err != nil {
		return k, fmt.Errorf("find api key: %w", err)
	}
	if k.ID == "" {
		return k, Errorf(EUNAUTHORIZED, "Unknown API key.")
	}
	return k, nil
}

// UseDigestNonce accepts a nonce count once. A second use of the same
// (nonce, count), from any replica, is a replay and is refused.
func (s *Store) UseDigestNonce(ctx context.Context, nonce string, nc int64, expires time.Time) error {
	err := s.DB.WithContext(ctx).Create(&digestNonceUse{Nonce: nonce, NC: nc, ExpiresAt: At(expires)}).Error
	if err != nil && isUniqueViolation(err) {
		return Errorf(EUNAUTHORIZED, "This nonce count was already used. Each request needs a new one.")
	}
	return err
}

// PruneDigestNonces forgets the counts of nonces that have expired, which
// no request can use again. The server's sweep runs it, off the path of
// the requests.
func (s *Store) PruneDigestNonces(ctx context.Context) error {
	if err := s.DB.WithContext(ctx).Where("expires_at < ?", At(s.now())).Delete(&digestNonceUse{}).Error; err != nil {
		return fmt.Errorf("prune nonces: %w", err)
	}
	return nil
}

// CreateServiceAccount creates a service account and returns it with its
// client secret, which is stored hashed and cannot be shown again. A form
// submitted again with the same request key creates nothing and is
// refused (ECONFLICT).
func (s *Store) CreateServiceAccount(ctx context.Context, actor Actor, req CredentialRequest) (ServiceAccount, string, error) {
	p := actor.Principal
	if err := s.checkCredentialRequest(ctx, p, serviceAccountKind, &req); err != nil {
		return ServiceAccount{}, "", err
	}
	now := s.now()
	secret := "mdb_sa_sk_" + RandomToken(32)
	a := ServiceAccount{ID: NewID(now), OrgID: req.OrgID, ClientID: "mdb_sa_id_" + NewID(now), Description: req.Description,
		Role: req.Role, ProjectID: req.ProjectID, SecretHash: secretHash(secret), CreatedAt: At(now), CreatedBy: p.Name,
		RequestKey: storedRequestKey(req.RequestKey)}
	err := s.insertCredential(ctx, serviceAccountKind, req, func(tx *gorm.DB) error {
		if err := tx.Create(&a).Error; err != nil {
			return err
		}
		return insertEvent(tx, now, credentialEvent(EventServiceAccountCreated, a.OrgID, a.ProjectID, "Service account "+a.ClientID+" ("+a.Role.Label()+")"), actor)
	})
	if err != nil {
		return ServiceAccount{}, "", credentialError(serviceAccountKind, err)
	}
	return a, secret, nil
}

// ServiceAccounts lists an organization's service accounts, for its owners.
func (s *Store) ServiceAccounts(ctx context.Context, p Principal, orgID string) ([]ServiceAccount, error) {
	if err := authorizeCredentials(p, orgID); err != nil {
		return nil, err
	}
	var out []ServiceAccount
	err := s.DB.WithContext(ctx).Where("org_id = ?", orgID).Order("created_at, id").Find(&out).Error
	return out, err
}

// DeleteServiceAccount deletes a service account and every token it holds.
func (s *Store) DeleteServiceAccount(ctx context.Context, actor Actor, orgID, id string) error {
	if err := authorizeCredentials(actor.Principal, orgID); err != nil {
		return err
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var a ServiceAccount
		if err := tx.Where("id = ? AND org_id = ?", id, orgID).Limit(1).Find(&a).Error; err != nil {
			return fmt.Errorf("delete service account: %w", err)
		}
		if a.ID == "" {
			return Errorf(ENOTFOUND, "No service account with that id.")
		}
		if err := tx.Delete(&ServiceAccount{}, "id = ?", a.ID).Error; err != nil {
			return fmt.Errorf("delete service account: %w", err)
		}
		if err := tx.Where("service_account_id = ?", id).Delete(&AccessToken{}).Error; err != nil {
			return err
		}
		return insertEvent(tx, s.now(), credentialEvent(EventServiceAccountDeleted, a.OrgID, a.ProjectID, "Service account "+a.ClientID+" ("+a.Role.Label()+")"), actor)
	})
}

// credentialEvent is the activity event of a credential's creation or deletion.
func credentialEvent(t EventType, orgID, projectID, detail string) Event {
	return Event{OrgID: orgID, ProjectID: projectID, Type: t, Detail: detail}
}

// authenticateClient checks a client id and secret. Every failure is the
// same error, and an unknown client costs the same comparison.
func (s *Store) authenticateClient(ctx context.Context, clientID, secret string) (ServiceAccount, error) {
	var a ServiceAccount
	if err := s.DB.WithContext(ctx).Where("client_id = ?", clientID).Limit(1).Find(&a).Error; err != nil {
		return a, fmt.Errorf("authenticate client: %w", err)
	}
	stored := a.SecretHash
	if a.ID == "" {
		stored = secretHash("no such client")
	}
	if subtle.ConstantTimeCompare([]byte(stored), []byte(secretHash(secret))) != 1 || a.ID == "" {
		return ServiceAccount{}, Errorf(EUNAUTHORIZED, "Unknown client or wrong client secret.")
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
	token := RandomToken(32)
	db := s.DB.WithContext(ctx)
	if err := db.Where("service_account_id = ? AND expires_at <= ?", a.ID, At(now)).Delete(&AccessToken{}).Error; err != nil {
		return "", 0, fmt.Errorf("issue token: %w", err)
	}
	t := AccessToken{TokenHash: secretHash(token), ServiceAccountID: a.ID, ExpiresAt: At(now.Add(AccessTokenLifetime)), CreatedAt: At(now)}
	if err := db.Create(&t).Error; err != nil {
		return "", 0, fmt.Errorf("issue token: %w", err)
	}
	return token, AccessTokenLifetime, nil
}

// TokenPrincipal returns the service account a live bearer token belongs to.
var qTokenPrincipal = newQuery(`SELECT a.id, a.org_id, a.client_id, a.role, a.project_id
	FROM access_tokens t JOIN service_accounts a ON a.id = t.service_account_id
	WHERE t.token_hash = ? AND t.expires_at > ? LIMIT 1`, "")

func (s *Store) TokenPrincipal(ctx context.Context, token string) (Principal, error) {
	bad := Errorf(EUNAUTHORIZED, "The bearer token is unknown, revoked or expired. Ask /api/oauth/token for a new one.")
	// The token and its service account in one statement, scanned without
	// reflection: every Admin API call with a bearer token starts here.
	var a ServiceAccount
	err := queryRow(s.DB.WithContext(ctx), qTokenPrincipal, secretHash(token), int64(At(s.now()))).Scan(&a.ID, &a.OrgID, &a.ClientID, &a.Role, &a.ProjectID)
	if errors.Is(err, sql.ErrNoRows) {
		return Principal{}, bad
	}
	if err != nil {
		return Principal{}, fmt.Errorf("check token: %w", err)
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
	return s.DB.WithContext(ctx).Where("token_hash = ? AND service_account_id = ?", secretHash(token), a.ID).Delete(&AccessToken{}).Error
}

// secretHash hashes a high-entropy random secret. A fast hash is right
// here: nobody can guess 256 random bits, so slowing the hash adds nothing.
func secretHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

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
	h := []byte(RandomToken(16))
	h[12] = '4'
	h[16] = "89ab"[h[16]%4]
	return fmt.Sprintf("%s-%s-%s-%s-%s", h[0:8], h[8:12], h[12:16], h[16:20], h[20:32])
}
