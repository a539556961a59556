package models

import (
	"context"
	"fmt"
	"strings"
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

// Clusters lists a project's clusters with their grants in force, in two
// queries whatever the number of clusters.
func (s *Store) Clusters(ctx context.Context, p Principal, projectID string) (Project, Organization, []ClusterView, error) {
	pr, err := s.Project(ctx, p, projectID)
	if err != nil {
		return pr, Organization{}, nil, err
	}
	db := s.DB.WithContext(ctx)
	var org Organization
	if err := db.First(&org, "id = ?", pr.OrgID).Error; err != nil {
		return pr, org, nil, fmt.Errorf("list clusters: %w", err)
	}
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

func (s *Store) clusterView(ctx context.Context, pr Project, name string) (ClusterView, error) {
	v := ClusterView{Project: pr}
	db := s.DB.WithContext(ctx)
	if err := db.Where("project_id = ? AND name = ?", pr.ID, name).First(&v.Cluster).Error; err != nil {
		return v, notFound(err, "cluster")
	}
	if err := db.First(&v.Org, "id = ?", pr.OrgID).Error; err != nil {
		return v, fmt.Errorf("cluster: %w", err)
	}
	var g Grant
	err := db.Where("cluster_id = ? AND closed_at = 0", v.Cluster.ID).Limit(1).Find(&g).Error
	if err != nil {
		return v, fmt.Errorf("cluster: %w", err)
	}
	if g.ID != "" && g.Active(s.now()) {
		v.Grant = &g
	}
	return v, nil
}
