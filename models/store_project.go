package models

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// CreateProject creates a project in an organization.
func (s *Store) CreateProject(ctx context.Context, orgID, name string) (Project, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return Project{}, FieldError("name", "A project needs a name.")
	}
	p := Project{ID: NewID(s.now()), OrgID: orgID, Name: name, CreatedAt: At(s.now())}
	if err := s.DB.WithContext(ctx).Create(&p).Error; err != nil {
		if isUniqueViolation(err) {
			return Project{}, FieldError("name", "A project named %q already exists in this organization.", name)
		}
		return Project{}, fmt.Errorf("create project: %w", err)
	}
	return p, nil
}

// ProjectByName finds a project of an organization by name, for operator commands.
func (s *Store) ProjectByName(ctx context.Context, orgID, name string) (Project, error) {
	var p Project
	err := s.DB.WithContext(ctx).Where("org_id = ? AND name = ?", orgID, name).First(&p).Error
	return p, notFound(err, "project")
}

// Project returns a project p may see.
func (s *Store) Project(ctx context.Context, p Principal, id string) (Project, error) {
	var pr Project
	if err := s.DB.WithContext(ctx).First(&pr, "id = ?", id).Error; err != nil {
		return pr, notFound(err, "project")
	}
	if err := authorizeProject(p, pr, false); err != nil {
		return Project{}, err
	}
	return pr, nil
}

// ProjectSummary is a project with its cluster count.
type ProjectSummary struct {
	Project
	ClusterCount int
}

// Projects lists the projects of an organization that p may see.
func (s *Store) Projects(ctx context.Context, p Principal, orgID string) ([]ProjectSummary, error) {
	if !CanViewOrg(p, orgID) {
		return nil, Errorf(ENOTFOUND, "No organization with that id.")
	}
	var all []ProjectSummary
	err := s.DB.WithContext(ctx).Raw(`SELECT p.*, (SELECT COUNT(*) FROM clusters c WHERE c.project_id = p.id) AS cluster_count
		FROM projects p WHERE p.org_id = ? ORDER BY p.name`, orgID).Scan(&all).Error
	if err != nil {
		return nil, fmt.Errorf("list projects: %w", err)
	}
	out := all[:0]
	for _, pr := range all {
		if CanViewProject(p, pr.Project) {
			out = append(out, pr)
		}
	}
	return out, nil
}

// CreateCluster creates a cluster in a project.
func (s *Store) CreateCluster(ctx context.Context, projectID, name string, sync bool) (Cluster, error) {
	if !ValidClusterName(name) {
		return Cluster{}, FieldError("name", "A cluster name starts with a letter or digit and holds only letters, digits and hyphens.")
	}
	c := Cluster{ID: NewID(s.now()), ProjectID: projectID, Name: name, ClusterType: "REPLICASET",
		MongoDBVersion: "8.0.4", StateName: "IDLE", SyncEnabled: sync, CreatedAt: At(s.now())}
	if err := s.DB.WithContext(ctx).Create(&c).Error; err != nil {
		if isUniqueViolation(err) {
			return Cluster{}, FieldError("name", "A cluster named %q already exists in this project.", name)
		}
		return Cluster{}, fmt.Errorf("create cluster: %w", err)
	}
	return c, nil
}

// ClusterView is a cluster with the grant in force on it, if any, and the
// organization's block setting: everything a row of the clusters page shows.
type ClusterView struct {
	Cluster
	Project Project
	Org     Organization
	Grant   *Grant
}

// Column lists for reads that join several tables into one statement:
// each column comes back prefixed with its table's alias, the way the
// embedded structs below expect it.
var (
	clusterColumns = aliased("c", "id", "project_id", "name", "cluster_type", "mongo_db_version", "state_name", "paused", "sync_enabled", "created_at")
	projectColumns = aliased("p", "id", "org_id", "name", "created_at")
	orgColumns     = aliased("o", "id", "name", "block_support_access", "created_at")
	grantColumns   = aliased("g", "id", "cluster_id", "project_id", "org_id", "type", "expires_at", "created_at", "created_by", "closed_at", "close_reason", "request_key")
)

// aliased lists a table's columns as "t.col AS t_col".
func aliased(t string, cols ...string) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = t + "." + c + " AS " + t + "_" + c
	}
	return strings.Join(out, ", ")
}

// projectWithOrg is a project and its organization, read in one statement.
type projectWithOrg struct {
	Project Project      `gorm:"embedded;embeddedPrefix:p_"`
	Org     Organization `gorm:"embedded;embeddedPrefix:o_"`
}

// clusterWithGrant is a cluster, its organization and its open grant (zero
// when there is none), read in one statement.
type clusterWithGrant struct {
	Cluster Cluster      `gorm:"embedded;embeddedPrefix:c_"`
	Org     Organization `gorm:"embedded;embeddedPrefix:o_"`
	Grant   Grant        `gorm:"embedded;embeddedPrefix:g_"`
}

// inForce returns the grant if it is open and in force at now.
func (r *clusterWithGrant) inForce(now time.Time) *Grant {
	if r.Grant.ID == "" || !r.Grant.Active(now) {
		return nil
	}
	return &r.Grant
}

// Clusters lists a project's clusters with their grants in force, in three
// queries whatever the number of clusters: the project with its
// organization, the clusters, their open grants.
func (s *Store) Clusters(ctx context.Context, p Principal, projectID string) (Project, Organization, []ClusterView, error) {
	db := s.DB.WithContext(ctx)
	var po []projectWithOrg
	err := db.Raw(`SELECT `+projectColumns+`, `+orgColumns+`
		FROM projects p JOIN organizations o ON o.id = p.org_id WHERE p.id = ? LIMIT 1`, projectID).Scan(&po).Error
	if err != nil {
		return Project{}, Organization{}, nil, fmt.Errorf("list clusters: %w", err)
	}
	if len(po) == 0 {
		return Project{}, Organization{}, nil, Errorf(ENOTFOUND, "No project with that id.")
	}
	pr, org := po[0].Project, po[0].Org
	if err := authorizeProject(p, pr, false); err != nil {
		return Project{}, Organization{}, nil, err
	}
	// The clusters and their grants stay two statements: scanning a joined
	// row through GORM's reflection cost more than the statement it saved
	// (measured on the 100-cluster page).
	var cs []Cluster
	if err := db.Where("project_id = ?", projectID).Order("name").Find(&cs).Error; err != nil {
		return pr, org, nil, fmt.Errorf("list clusters: %w", err)
	}
	var gs []Grant
	if err := db.Where("project_id = ? AND closed_at = 0", projectID).Find(&gs).Error; err != nil {
		return pr, org, nil, fmt.Errorf("list clusters: %w", err)
	}
	now := s.now()
	byCluster := make(map[string]*Grant, len(gs))
	for i := range gs {
		if gs[i].Active(now) {
			byCluster[gs[i].ClusterID] = &gs[i]
		}
	}
	out := make([]ClusterView, len(cs))
	for i, c := range cs {
		out[i] = ClusterView{Cluster: c, Project: pr, Org: org, Grant: byCluster[c.ID]}
	}
	return pr, org, out, nil
}

// ClusterByName returns one cluster of a project p may see, with its grant in force.
func (s *Store) ClusterByName(ctx context.Context, p Principal, projectID, name string) (ClusterView, error) {
	var v ClusterView
	pr, err := s.Project(ctx, p, projectID)
	if err != nil {
		return v, err
	}
	return s.clusterView(ctx, pr, name)
}

// clusterView reads one cluster of pr with its organization and its grant
// in force, in one statement.
func (s *Store) clusterView(ctx context.Context, pr Project, name string) (ClusterView, error) {
	v := ClusterView{Project: pr}
	var rows []clusterWithGrant
	err := s.DB.WithContext(ctx).Raw(`SELECT `+clusterColumns+`, `+orgColumns+`, `+grantColumns+`
		FROM clusters c JOIN organizations o ON o.id = ?
		LEFT JOIN grants g ON g.cluster_id = c.id AND g.closed_at = 0
		WHERE c.project_id = ? AND c.name = ? LIMIT 1`, pr.OrgID, pr.ID, name).Scan(&rows).Error
	if err != nil {
		return v, fmt.Errorf("cluster: %w", err)
	}
	if len(rows) == 0 {
		return v, Errorf(ENOTFOUND, "No cluster with that id.")
	}
	v.Cluster, v.Org, v.Grant = rows[0].Cluster, rows[0].Org, rows[0].inForce(s.now())
	return v, nil
}
