// Package models holds the Support Access Console's domain: entities, the
// rules of who may do what, when a grant is in force, what a decision
// answers and which menu items a cluster's row offers (plain functions
// that take now), error codes, ids and the clock's Instant. It holds no
// SQL and no query code: storage is package store (models/store), which
// reads and writes these entities; a test keeps GORM's query API and
// database/sql out of this package.
package models

// Organization is a customer account. BlockSupportAccess is the block
// setting ("restrictEmployeeAccess" in the API), off by default.
type Organization struct {
	ID                 string `gorm:"primaryKey"`
	Name               string
	BlockSupportAccess bool
	CreatedAt          Instant
}

// Project is a group of clusters inside an organization ("group" in the API).
type Project struct {
	ID        string `gorm:"primaryKey"`
	OrgID     string
	Name      string
	CreatedAt Instant
}

// Cluster is a database deployment; its name is unique inside its project.
type Cluster struct {
	ID             string `gorm:"primaryKey"`
	ProjectID      string
	Name           string
	ClusterType    string
	MongoDBVersion string
	StateName      string
	Paused         bool
	SyncEnabled    bool
	CreatedAt      Instant
}

// MajorVersion returns the major.minor part of the MongoDB version.
func (c Cluster) MajorVersion() string {
	dots := 0
	for i, r := range c.MongoDBVersion {
		if r == '.' {
			dots++
			if dots == 2 {
				return c.MongoDBVersion[:i]
			}
		}
	}
	return c.MongoDBVersion
}

// User is a person who logs into the console.
type User struct {
	ID           string `gorm:"primaryKey"`
	Email        string
	PasswordHash string
	CreatedAt    Instant
}

// OrgMembership gives a user a role in an organization.
type OrgMembership struct {
	UserID string `gorm:"primaryKey"`
	OrgID  string `gorm:"primaryKey"`
	Role   Role
}

// ProjectMembership gives a user a role in a project.
type ProjectMembership struct {
	UserID    string `gorm:"primaryKey"`
	ProjectID string `gorm:"primaryKey"`
	Role      Role
}

// Grant is temporary access for support staff to one cluster. It is open
// while ClosedAt is zero; it is in force while open and before ExpiresAt.
// The database allows one open grant per cluster.
type Grant struct {
	ID          string `gorm:"primaryKey"`
	ClusterID   string
	ProjectID   string
	OrgID       string
	Type        GrantType
	ExpiresAt   Instant
	CreatedAt   Instant
	CreatedBy   string
	ClosedAt    Instant
	CloseReason string
	// RequestKey makes a console submission idempotent: a double-clicked
	// "Grant Access" carries the same key twice and grants once.
	RequestKey *string
	// RequestID is the support access request whose approval made the
	// grant, empty for a direct grant.
	RequestID string
}

// Event is one entry of an organization's activity feed.
type Event struct {
	ID          string `gorm:"primaryKey"`
	OrgID       string
	ProjectID   string
	ClusterID   string
	ClusterName string
	Type        EventType
	ActorKind   ActorKind
	ActorID     string
	ActorName   string
	RemoteAddr  string
	GrantID     string
	GrantType   GrantType
	ExpiresAt   Instant
	Detail      string
	CreatedAt   Instant
}

// Session is a console login. The cookie carries only its id; keeping the
// row server-side lets logout and a password change end it on every replica.
// The row's id is the SHA-256 of that id (store.CreateSession).
type Session struct {
	ID        string `gorm:"primaryKey"`
	UserID    string
	CSRFToken string
	CreatedAt Instant
	LastSeen  Instant
	// VerifiedAt is when the session last passed a second factor (zero:
	// never). It is read only by the changes that need a recent one, not
	// on every request.
	VerifiedAt Instant
}

// Setting is a key/value pair kept in the database, such as the session keys
// shared by every replica.
type Setting struct {
	Key   string `gorm:"primaryKey"`
	Value string
}

// ProjectSummary is a project with its cluster count.
type ProjectSummary struct {
	Project
	ClusterCount int
}

// ClusterView is a cluster with the grant in force on it, if any, and the
// organization's block setting: everything a row of the clusters page shows.
type ClusterView struct {
	Cluster
	Project Project
	Org     Organization
	Grant   *Grant
	// Request is the newest access request pending on the cluster, if any.
	Request *SupportAccessRequest
}

// ClusterList is a project's clusters as its clusters page shows them.
type ClusterList struct {
	Project Project
	Org     Organization
	// Version is the project's version the clusters were read at: any
	// change to the clusters or their grants changes it.
	Version  int64
	Clusters []ClusterView
}
