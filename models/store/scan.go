package store

import (
	"database/sql"
	"fmt"
	"reflect"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"

	"supportaccess/models"
)

// The reads behind the clusters page and its row re-syncs go straight to
// the connection, as the hot statements of sqlq.go do, and scan into
// variables, column by column, rather than through GORM's reflection,
// which cost more than SQLite running the statements.
//
// Each table's scan targets are declared once, as a function of the row
// they fill (clusterTargets, ...), and the column list a statement
// selects is built from that same function (columnsOf) when the package
// starts: a column added to a scan is selected with it, in its place. A
// statement that reads several tables scans into a row type whose targets
// join the tables' in the order its select list does; scan_test.go runs
// every statement and checks the columns it returns against its targets.

// readRows runs q and returns its rows: queryRow (sqlq.go) for a statement
// that returns several.
func readRows(db *gorm.DB, q query, args ...any) (*sql.Rows, error) {
	return db.Statement.ConnPool.QueryContext(db.Statement.Context, q.text(db), args...)
}

// The tables' columns, as statements name them by the tables' aliases.
var (
	clusterCols = columnsOf(clusterTargets, "c")
	projectCols = columnsOf(projectTargets, "p")
	orgCols     = columnsOf(orgTargets, "o")
	grantCols   = columnsOf(grantTargets, "g")
)

func clusterTargets(c *models.Cluster) []any {
	return []any{&c.ID, &c.ProjectID, &c.Name, &c.ClusterType, &c.MongoDBVersion, &c.StateName, &c.Paused, &c.SyncEnabled, &c.CreatedAt}
}

func projectTargets(p *models.Project) []any {
	return []any{&p.ID, &p.OrgID, &p.Name, &p.CreatedAt}
}

func orgTargets(o *models.Organization) []any {
	return []any{&o.ID, &o.Name, &o.BlockSupportAccess, &o.CreatedAt}
}

func grantTargets(g *models.Grant) []any {
	return []any{&g.ID, &g.ClusterID, &g.ProjectID, &g.OrgID, &g.Type, &g.ExpiresAt, &g.CreatedAt, &g.CreatedBy, &g.ClosedAt, &g.CloseReason, &g.RequestKey, &g.RequestID}
}

// nullOrg is the organization side of a LEFT JOIN: every column is NULL
// when there is no such organization. Its fields are named as
// Organization's, and so select the same columns.
type nullOrg struct {
	ID, Name           sql.NullString
	BlockSupportAccess sql.NullBool
	CreatedAt          sql.NullInt64
}

func (o *nullOrg) targets() []any {
	return []any{&o.ID, &o.Name, &o.BlockSupportAccess, &o.CreatedAt}
}

func (o *nullOrg) org() models.Organization {
	return models.Organization{ID: o.ID.String, Name: o.Name.String, BlockSupportAccess: o.BlockSupportAccess.Bool, CreatedAt: models.Instant(o.CreatedAt.Int64)}
}

// nullCluster is the cluster side of a LEFT JOIN: every column is NULL
// when there is no such cluster.
type nullCluster struct {
	ID, ProjectID, Name, ClusterType, MongoDBVersion, StateName sql.NullString
	Paused, SyncEnabled                                         sql.NullBool
	CreatedAt                                                   sql.NullInt64
}

func (c *nullCluster) targets() []any {
	return []any{&c.ID, &c.ProjectID, &c.Name, &c.ClusterType, &c.MongoDBVersion, &c.StateName, &c.Paused, &c.SyncEnabled, &c.CreatedAt}
}

func (c *nullCluster) cluster() models.Cluster {
	return models.Cluster{ID: c.ID.String, ProjectID: c.ProjectID.String, Name: c.Name.String, ClusterType: c.ClusterType.String,
		MongoDBVersion: c.MongoDBVersion.String, StateName: c.StateName.String, Paused: c.Paused.Bool, SyncEnabled: c.SyncEnabled.Bool,
		CreatedAt: models.Instant(c.CreatedAt.Int64)}
}

// nullGrant is the grant side of a LEFT JOIN: every column is NULL when
// the cluster has no open grant.
type nullGrant struct {
	ID, ClusterID, ProjectID, OrgID, Type, CreatedBy, CloseReason sql.NullString
	ExpiresAt, CreatedAt, ClosedAt                                sql.NullInt64
	RequestKey                                                    *string
	RequestID                                                     sql.NullString
}

func (g *nullGrant) targets() []any {
	return []any{&g.ID, &g.ClusterID, &g.ProjectID, &g.OrgID, &g.Type, &g.ExpiresAt, &g.CreatedAt, &g.CreatedBy, &g.ClosedAt, &g.CloseReason, &g.RequestKey, &g.RequestID}
}

// grant returns the grant read, nil when the join found none.
func (g *nullGrant) grant() *models.Grant {
	if !g.ID.Valid || g.ID.String == "" {
		return nil
	}
	return &models.Grant{ID: g.ID.String, ClusterID: g.ClusterID.String, ProjectID: g.ProjectID.String, OrgID: g.OrgID.String,
		Type: models.GrantType(g.Type.String), ExpiresAt: models.Instant(g.ExpiresAt.Int64), CreatedAt: models.Instant(g.CreatedAt.Int64),
		CreatedBy: g.CreatedBy.String, ClosedAt: models.Instant(g.ClosedAt.Int64), CloseReason: g.CloseReason.String, RequestKey: g.RequestKey,
		RequestID: g.RequestID.String}
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

// columnsOf is the select list of the columns targets scans into. A
// target's column is its field's, as GORM names it (the gorm column tag,
// or the field's name in snake case), so that the hand-written reads and
// GORM's agree; it is prefixed with the alias of its table in the
// statement: the one alias given, or, for a row of several tables, the
// alias given for the field of T that holds the target. It panics on a
// target that is not a field, when the package starts.
func columnsOf[T any](targets func(*T) []any, aliases ...string) string {
	row := new(T)
	cols, err := targetColumns(row, targets(row))
	if err == nil && len(aliases) != 1 && len(aliases) != reflect.TypeFor[T]().NumField() {
		err = fmt.Errorf("%d aliases for %d fields", len(aliases), reflect.TypeFor[T]().NumField())
	}
	if err != nil {
		panic(fmt.Sprintf("columns of %T: %v", row, err))
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		alias := aliases[0]
		if len(aliases) > 1 {
			alias = aliases[c.field]
		}
		names[i] = alias + "." + c.name
	}
	return strings.Join(names, ", ")
}

// targetColumn is the column a scan target reads: its name, and the index
// of the field of the row that holds the target.
type targetColumn struct {
	name  string
	field int
}

// targetColumns names the column of each target, a pointer to a field of
// *row or of a struct within it.
func targetColumns(row any, targets []any) ([]targetColumn, error) {
	v := reflect.ValueOf(row).Elem()
	cols := make([]targetColumn, len(targets))
	for i, t := range targets {
		addr := reflect.ValueOf(t)
		found := false
		for k := range v.NumField() {
			if f, ok := fieldAt(v.Field(k), v.Type().Field(k), addr); ok {
				cols[i], found = targetColumn{name: columnName(f), field: k}, true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("target %d (%T) is not a field of %s", i, t, v.Type())
		}
	}
	return cols, nil
}

// fieldAt finds the field that target points to: fv itself (described by
// f), or a field of the struct fv, or of a struct within it.
func fieldAt(fv reflect.Value, f reflect.StructField, target reflect.Value) (reflect.StructField, bool) {
	start, addr := fv.Addr().Pointer(), target.Pointer()
	if start == addr && fv.Type() == target.Type().Elem() {
		return f, true
	}
	if fv.Kind() != reflect.Struct || addr < start || addr >= start+fv.Type().Size() {
		return reflect.StructField{}, false
	}
	for i := range fv.NumField() {
		if g, ok := fieldAt(fv.Field(i), fv.Type().Field(i), target); ok {
			return g, true
		}
	}
	return reflect.StructField{}, false
}

// columnName is the column GORM reads a field from.
func columnName(f reflect.StructField) string {
	for _, part := range strings.Split(f.Tag.Get("gorm"), ";") {
		if name, ok := strings.CutPrefix(part, "column:"); ok {
			return name
		}
	}
	return schema.NamingStrategy{}.ColumnName("", f.Name)
}
