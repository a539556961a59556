package models

import (
	"database/sql"

	"gorm.io/gorm"
)

// The reads behind the clusters page and its row re-syncs go straight to
// the connection, as the hot statements of sqlq.go do, and scan into
// variables, column by column, rather than through GORM's reflection,
// which cost more than SQLite running the statements. The column lists
// below and the scan targets next to them must stay in the same order.

// readRows runs q and returns its rows: queryRow (sqlq.go) for a statement
// that returns several.
func readRows(db *gorm.DB, q query, args ...any) (*sql.Rows, error) {
	return db.Statement.ConnPool.QueryContext(db.Statement.Context, q.text(db), args...)
}

// clusterCols are a cluster's columns, in the order of (*Cluster).targets
// and (*nullCluster).targets.
const clusterCols = `c.id, c.project_id, c.name, c.cluster_type, c.mongo_db_version, c.state_name, c.paused, c.sync_enabled, c.created_at`

// projectCols are a project's columns, in the order of (*Project).targets.
const projectCols = `p.id, p.org_id, p.name, p.created_at`

func (p *Project) targets() []any {
	return []any{&p.ID, &p.OrgID, &p.Name, &p.CreatedAt}
}

// orgCols are an organization's columns, in the order of (*Organization).targets.
const orgCols = `o.id, o.name, o.block_support_access, o.created_at`

func (o *Organization) targets() []any {
	return []any{&o.ID, &o.Name, &o.BlockSupportAccess, &o.CreatedAt}
}

// nullOrg is the organization side of a LEFT JOIN: every column is NULL
// when there is no such organization.
type nullOrg struct {
	ID, Name           sql.NullString
	BlockSupportAccess sql.NullBool
	CreatedAt          sql.NullInt64
}

func (o *nullOrg) targets() []any {
	return []any{&o.ID, &o.Name, &o.BlockSupportAccess, &o.CreatedAt}
}

func (o *nullOrg) org() Organization {
	return Organization{ID: o.ID.String, Name: o.Name.String, BlockSupportAccess: o.BlockSupportAccess.Bool, CreatedAt: Instant(o.CreatedAt.Int64)}
}

// nullCluster is the cluster side of a LEFT JOIN: every column is NULL
// when there is no such cluster.
type nullCluster struct {
	ID, ProjectID, Name, ClusterType, MongoDBVersion, StateName sql.NullString
	Paused, SyncEnabled                                         sql.NullBool
	CreatedAt                                                   sql.NullInt64
}

func (c *Cluster) targets() []any {
	return []any{&c.ID, &c.ProjectID, &c.Name, &c.ClusterType, &c.MongoDBVersion, &c.StateName, &c.Paused, &c.SyncEnabled, &c.CreatedAt}
}

func (c *nullCluster) targets() []any {
	return []any{&c.ID, &c.ProjectID, &c.Name, &c.ClusterType, &c.MongoDBVersion, &c.StateName, &c.Paused, &c.SyncEnabled, &c.CreatedAt}
}

func (c *nullCluster) cluster() Cluster {
	return Cluster{ID: c.ID.String, ProjectID: c.ProjectID.String, Name: c.Name.String, ClusterType: c.ClusterType.String,
		MongoDBVersion: c.MongoDBVersion.String, StateName: c.StateName.String, Paused: c.Paused.Bool, SyncEnabled: c.SyncEnabled.Bool,
		CreatedAt: Instant(c.CreatedAt.Int64)}
}

// grantCols are a grant's columns, in the order of (*Grant).targets and
// (*nullGrant).targets.
const grantCols = `g.id, g.cluster_id, g.project_id, g.org_id, g.type, g.expires_at, g.created_at, g.created_by, g.closed_at, g.close_reason, g.request_key`

func (g *Grant) targets() []any {
	return []any{&g.ID, &g.ClusterID, &g.ProjectID, &g.OrgID, &g.Type, &g.ExpiresAt, &g.CreatedAt, &g.CreatedBy, &g.ClosedAt, &g.CloseReason, &g.RequestKey}
}

// nullGrant is the grant side of a LEFT JOIN: every column is NULL when
// the cluster has no open grant.
type nullGrant struct {
	ID, ClusterID, ProjectID, OrgID, Type, CreatedBy, CloseReason sql.NullString
	ExpiresAt, CreatedAt, ClosedAt                                sql.NullInt64
	RequestKey                                                    *string
}

func (g *nullGrant) targets() []any {
	return []any{&g.ID, &g.ClusterID, &g.ProjectID, &g.OrgID, &g.Type, &g.ExpiresAt, &g.CreatedAt, &g.CreatedBy, &g.ClosedAt, &g.CloseReason, &g.RequestKey}
}

// grant returns the grant read, nil when the join found none.
func (g *nullGrant) grant() *Grant {
	if !g.ID.Valid || g.ID.String == "" {
		return nil
	}
	return &Grant{ID: g.ID.String, ClusterID: g.ClusterID.String, ProjectID: g.ProjectID.String, OrgID: g.OrgID.String,
		Type: GrantType(g.Type.String), ExpiresAt: Instant(g.ExpiresAt.Int64), CreatedAt: Instant(g.CreatedAt.Int64),
		CreatedBy: g.CreatedBy.String, ClosedAt: Instant(g.ClosedAt.Int64), CloseReason: g.CloseReason.String, RequestKey: g.RequestKey}
}

// concat joins scan targets of several tables read in one statement.
func concat(lists ...[]any) []any {
	n := 0
	for _, l := range lists {
		n += len(l)
	}
	out := make([]any, 0, n)
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}
