package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"supportaccess/models"
)

// CreateCluster creates a cluster in a project.
func (s *Store) CreateCluster(ctx context.Context, projectID, name string, sync bool) (models.Cluster, error) {
	if !models.ValidClusterName(name) {
		return models.Cluster{}, models.FieldError("name", "A cluster name starts with a letter or digit and holds only letters, digits and hyphens.")
	}
	c := models.Cluster{ID: models.NewID(s.now()), ProjectID: projectID, Name: name, ClusterType: "REPLICASET",
		MongoDBVersion: "8.0.4", StateName: "IDLE", SyncEnabled: sync, CreatedAt: models.At(s.now())}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&c).Error; err != nil {
			return err
		}
		return bumpProjectVersion(tx, projectID)
	})
	if err != nil {
		if isUniqueViolation(err) {
			return models.Cluster{}, models.FieldError("name", "A cluster named %q already exists in this project.", name)
		}
		return models.Cluster{}, fmt.Errorf("create cluster: %w", err)
	}
	return c, nil
}

// projectOrgRow is one row of qProjectWithOrg.
type projectOrgRow struct {
	project models.Project
	version int64
	org     models.Organization
}

func (r *projectOrgRow) targets() []any {
	return concat(projectTargets(&r.project), []any{&r.version}, orgTargets(&r.org))
}

var qProjectWithOrg = newQuery(`SELECT `+columnsOf((*projectOrgRow).targets, "p", "p", "o")+`
		FROM projects p JOIN organizations o ON o.id = p.org_id WHERE p.id = ? LIMIT 1`, "")

// ClusterList lists a project's clusters with their grants in force. One
// statement reads the project with its version and its organization; when
// the store keeps the project's clusters at that version and no grant they
// show has expired since (clustercache.go), that is all. Otherwise two
// more read the clusters and their open grants, whatever their number.
//
// The views, and the grants they point to, are shared with every other
// caller and must not be changed: the clusters page and the Admin API
// render them as they are, a hundred at a time, with no copy.
func (s *Store) ClusterList(ctx context.Context, p models.Principal, projectID string) (models.ClusterList, error) {
	db := s.db.WithContext(ctx)
	var r projectOrgRow
	err := queryRow(db, qProjectWithOrg, projectID).Scan(r.targets()...)
	if errors.Is(err, sql.ErrNoRows) {
		return models.ClusterList{}, models.ErrNoProject()
	}
	if err != nil {
		return models.ClusterList{}, fmt.Errorf("list clusters: %w", err)
	}
	l := models.ClusterList{Project: r.project, Org: r.org, Version: r.version}
	if err := models.AuthorizeProjectView(p, l.Project); err != nil {
		return models.ClusterList{}, err
	}
	now := s.now()
	cache := s.clusters()
	if c := cache.list(projectID, l.Version, now); c != nil {
		// The block setting is not versioned: the views are made again,
		// and kept, when the organization read now is not the one they
		// show.
		if n := c.of(l.Project, l.Org); n != c {
			cache.keep(projectID, n)
			c = n
		}
		l.Clusters = c.views
		return l, nil
	}
	// Read after the version, the clusters and grants are at least as new
	// as it: a list newer than its version is only read again.
	//
	// The clusters and their grants stay two statements: the open grants
	// of a project are few, and a join carrying a grant's columns, NULL for
	// the most part, on every cluster's row measured slower on the
	// 100-cluster page even with plain scans.
	out, err := projectClusters(db, projectID, l.Project, l.Org)
	if err != nil {
		return models.ClusterList{}, fmt.Errorf("list clusters: %w", err)
	}
	gs, err := openGrants(db, projectID)
	if err != nil {
		return models.ClusterList{}, fmt.Errorf("list clusters: %w", err)
	}
	if len(gs) > 0 {
		byCluster := make(map[string]*models.Grant, len(gs))
		for i := range gs {
			if gs[i].Active(now) {
				byCluster[gs[i].ClusterID] = &gs[i]
			}
		}
		for i := range out {
			out[i].Grant = byCluster[out[i].ID]
		}
	}
	if err := attachPendingRequests(db, projectID, now, out); err != nil {
		return models.ClusterList{}, fmt.Errorf("list clusters: %w", err)
	}
	cache.keep(projectID, newCachedClusters(l.Version, now, out))
	l.Clusters = out
	return l, nil
}

var qProjectClusters = newQuery(`SELECT `+clusterCols+` FROM clusters c WHERE c.project_id = ? ORDER BY c.name`, "")

// projectClusters reads a project's clusters by name, as views of pr and
// org without their grants.
func projectClusters(db *gorm.DB, projectID string, pr models.Project, org models.Organization) ([]models.ClusterView, error) {
	rows, err := readRows(db, qProjectClusters, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]models.ClusterView, 0, 16)
	var c models.Cluster
	dest := clusterTargets(&c)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		out = append(out, models.ClusterView{Cluster: c, Project: pr, Org: org})
	}
	return out, rows.Err()
}

var qProjectOpenGrants = newQuery(`SELECT `+grantCols+` FROM grants g WHERE g.project_id = ? AND g.closed_at = 0`, "")

// openGrants reads the open grants of a project, in force or not.
func openGrants(db *gorm.DB, projectID string) ([]models.Grant, error) {
	rows, err := readRows(db, qProjectOpenGrants, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []models.Grant
	var g models.Grant
	dest := grantTargets(&g)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// clusterByNameRow is one row of qClusterByName: the project and its
// organization, and the cluster and its open grant, NULL when missing.
type clusterByNameRow struct {
	project models.Project
	org     models.Organization
	cluster nullCluster
	grant   nullGrant
}

func (r *clusterByNameRow) targets() []any {
	return concat(projectTargets(&r.project), orgTargets(&r.org), r.cluster.targets(), r.grant.targets())
}

var qClusterByName = newQuery(`SELECT `+columnsOf((*clusterByNameRow).targets, "p", "o", "c", "g")+`
		FROM projects p JOIN organizations o ON o.id = p.org_id
		LEFT JOIN clusters c ON c.project_id = p.id AND c.name = ?
		LEFT JOIN grants g ON g.cluster_id = c.id AND g.closed_at = 0
		WHERE p.id = ? LIMIT 1`, "")

// ClusterByName returns one cluster of a project p may see, with its grant
// in force. One statement reads the project, its organization, the
// cluster and its open grant; an unknown project and a project p may not
// see give the same answer, before anything is said about the cluster.
func (s *Store) ClusterByName(ctx context.Context, p models.Principal, projectID, name string) (models.ClusterView, error) {
	var r clusterByNameRow
	err := queryRow(s.db.WithContext(ctx), qClusterByName, name, projectID).Scan(r.targets()...)
	if errors.Is(err, sql.ErrNoRows) {
		return models.ClusterView{}, models.ErrNoProject()
	}
	if err != nil {
		return models.ClusterView{}, fmt.Errorf("cluster: %w", err)
	}
	if err := models.AuthorizeProjectView(p, r.project); err != nil {
		return models.ClusterView{}, err
	}
	if !r.cluster.ID.Valid {
		return models.ClusterView{Project: r.project}, models.Errorf(models.ENOTFOUND, "No cluster with that id.")
	}
	v := models.ClusterView{Cluster: r.cluster.cluster(), Project: r.project, Org: r.org}
	if gr := r.grant.grant(); gr != nil && gr.Active(s.now()) {
		v.Grant = gr
	}
	return v, nil
}
