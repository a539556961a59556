package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
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

var qProject = newQuery(`SELECT `+projectCols+` FROM projects p WHERE p.id = ? LIMIT 1`, "")

// Project returns a project p may see.
func (s *Store) Project(ctx context.Context, p Principal, id string) (Project, error) {
	var pr Project
	err := queryRow(s.DB.WithContext(ctx), qProject, id).Scan(pr.targets()...)
	if errors.Is(err, sql.ErrNoRows) {
		return Project{}, Errorf(ENOTFOUND, "No project with that id.")
	}
	if err != nil {
		return Project{}, err
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

var qProjects = newQuery(`SELECT `+projectCols+`, (SELECT COUNT(*) FROM clusters c WHERE c.project_id = p.id) AS cluster_count
		FROM projects p WHERE p.org_id = ? ORDER BY p.name`, "")

// Projects lists the projects of an organization that p may see.
func (s *Store) Projects(ctx context.Context, p Principal, orgID string) ([]ProjectSummary, error) {
	if !CanViewOrg(p, orgID) {
		return nil, Errorf(ENOTFOUND, "No organization with that id.")
	}
	rows, err := readRows(s.DB.WithContext(ctx), qProjects, orgID)
	if err != nil {
		return nil, fmt.Errorf("list projects: %w", err)
	}
	defer rows.Close()
	out := make([]ProjectSummary, 0, 8)
	var pr ProjectSummary
	dest := append(pr.targets(), &pr.ClusterCount)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("list projects: %w", err)
		}
		if CanViewProject(p, pr.Project) {
			out = append(out, pr)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list projects: %w", err)
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

var qProjectWithOrg = newQuery(`SELECT `+projectCols+`, `+orgCols+`
		FROM projects p JOIN organizations o ON o.id = p.org_id WHERE p.id = ? LIMIT 1`, "")

// Clusters lists a project's clusters with their grants in force, in three
// queries whatever the number of clusters: the project with its
// organization, the clusters, their open grants.
func (s *Store) Clusters(ctx context.Context, p Principal, projectID string) (Project, Organization, []ClusterView, error) {
	db := s.DB.WithContext(ctx)
	var pr Project
	var org Organization
	err := queryRow(db, qProjectWithOrg, projectID).Scan(concat(pr.targets(), org.targets())...)
	if errors.Is(err, sql.ErrNoRows) {
		return Project{}, Organization{}, nil, Errorf(ENOTFOUND, "No project with that id.")
	}
	if err != nil {
		return Project{}, Organization{}, nil, fmt.Errorf("list clusters: %w", err)
	}
	if err := authorizeProject(p, pr, false); err != nil {
		return Project{}, Organization{}, nil, err
	}
	// The clusters and their grants stay two statements: the open grants
	// of a project are few, and a join carrying a grant's columns, NULL for
	// the most part, on every cluster's row measured slower on the
	// 100-cluster page even with plain scans.
	out, err := projectClusters(db, projectID, pr, org)
	if err != nil {
		return pr, org, nil, fmt.Errorf("list clusters: %w", err)
	}
	gs, err := openGrants(db, projectID)
	if err != nil {
		return pr, org, nil, fmt.Errorf("list clusters: %w", err)
	}
	if len(gs) == 0 {
		return pr, org, out, nil
	}
	now := s.now()
	byCluster := make(map[string]*Grant, len(gs))
	for i := range gs {
		if gs[i].Active(now) {
			byCluster[gs[i].ClusterID] = &gs[i]
		}
	}
	for i := range out {
		out[i].Grant = byCluster[out[i].ID]
	}
	return pr, org, out, nil
}

var qProjectClusters = newQuery(`SELECT `+clusterCols+` FROM clusters c WHERE c.project_id = ? ORDER BY c.name`, "")

// projectClusters reads a project's clusters by name, as views of pr and
// org without their grants.
func projectClusters(db *gorm.DB, projectID string, pr Project, org Organization) ([]ClusterView, error) {
	rows, err := readRows(db, qProjectClusters, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]ClusterView, 0, 16)
	var c Cluster
	dest := c.targets()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		out = append(out, ClusterView{Cluster: c, Project: pr, Org: org})
	}
	return out, rows.Err()
}

var qProjectOpenGrants = newQuery(`SELECT `+grantCols+` FROM grants g WHERE g.project_id = ? AND g.closed_at = 0`, "")

// openGrants reads the open grants of a project, in force or not.
func openGrants(db *gorm.DB, projectID string) ([]Grant, error) {
	rows, err := readRows(db, qProjectOpenGrants, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Grant
	var g Grant
	dest := g.targets()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

var qClusterByName = newQuery(`SELECT `+projectCols+`, `+orgCols+`, `+clusterCols+`, `+grantCols+`
		FROM projects p JOIN organizations o ON o.id = p.org_id
		LEFT JOIN clusters c ON c.project_id = p.id AND c.name = ?
		LEFT JOIN grants g ON g.cluster_id = c.id AND g.closed_at = 0
		WHERE p.id = ? LIMIT 1`, "")

// ClusterByName returns one cluster of a project p may see, with its grant
// in force. One statement reads the project, its organization, the
// cluster and its open grant; an unknown project and a project p may not
// see give the same answer, before anything is said about the cluster.
func (s *Store) ClusterByName(ctx context.Context, p Principal, projectID, name string) (ClusterView, error) {
	var v ClusterView
	var c nullCluster
	var g nullGrant
	err := queryRow(s.DB.WithContext(ctx), qClusterByName, name, projectID).Scan(concat(v.Project.targets(), v.Org.targets(), c.targets(), g.targets())...)
	if errors.Is(err, sql.ErrNoRows) {
		return ClusterView{}, Errorf(ENOTFOUND, "No project with that id.")
	}
	if err != nil {
		return ClusterView{}, fmt.Errorf("cluster: %w", err)
	}
	if err := authorizeProject(p, v.Project, false); err != nil {
		return ClusterView{}, err
	}
	if !c.ID.Valid {
		return ClusterView{Project: v.Project}, Errorf(ENOTFOUND, "No cluster with that id.")
	}
	v.Cluster = c.cluster()
	if gr := g.grant(); gr != nil && gr.Active(s.now()) {
		v.Grant = gr
	}
	return v, nil
}
