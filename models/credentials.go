package models

import (
	"crypto/md5" //nolint:gosec // HTTP Digest as curl and the Atlas SDK speak it is defined over MD5.
	"crypto/sha256"
	"encoding/hex"
	"time"
)

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

// AuthorizeCredentials lets only organization owners manage credentials;
// others who cannot see the organization learn nothing of it.
func AuthorizeCredentials(p Principal, orgID string) error {
	if !CanViewOrg(p, orgID) {
		return ErrNoOrg()
	}
	if !CanManageCredentials(p, orgID) {
		return Errorf(EFORBIDDEN, "Only an Organization Owner can manage API keys and service accounts.")
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
	return SecretHash(s)
}

// SecretHash hashes a high-entropy random secret. A fast hash is right
// here: nobody can guess 256 random bits, so slowing the hash adds nothing.
func SecretHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
