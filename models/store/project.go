package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"supportaccess/models"
)

// CreateProject creates a project in an organization.
//
// Projects are never renamed or removed: nothing here does either, and
// the organizations' project lists the store keeps (Projects,
// clustercache.go) rely on it, since their version sees only a new
// project or a bumped one. Anything that ever renames a project must bump
// its version (bumpProjectVersion) in the same transaction; anything that
// removes one must bump too and also change how Projects versions a list,
// since a count and sum that shrink can come back to a pair already kept.
func (s *Store) CreateProject(ctx context.Context, orgID, name string) (models.Project, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return models.Project{}, models.FieldError("name", "A project needs a name.")
	}
	p := models.Project{ID: models.NewID(s.now()), OrgID: orgID, Name: name, CreatedAt: models.At(s.now())}
	if err := s.db.WithContext(ctx).Create(&p).Error; err != nil {
		if isUniqueViolation(err) {
			return models.Project{}, models.FieldError("name", "A project named %q already exists in this organization.", name)
		}
		return models.Project{}, fmt.Errorf("create project: %w", err)
	}
	return p, nil
}

// ProjectByName finds a project of an organization by name, for operator commands.
func (s *Store) ProjectByName(ctx context.Context, orgID, name string) (models.Project, error) {
	var p models.Project
	err := s.db.WithContext(ctx).Where("org_id = ? AND name = ?", orgID, name).First(&p).Error
	return p, notFound(err, "project")
}

// ProjectsNamed lists the projects of every organization that are named
// name, for operator commands that name a project alone.
func (s *Store) ProjectsNamed(ctx context.Context, name string) ([]models.Project, error) {
	var ps []models.Project
	err := s.db.WithContext(ctx).Where("name = ?", name).Find(&ps).Error
	return ps, err
}

var qProject = newQuery(`SELECT `+projectCols+` FROM projects p WHERE p.id = ? LIMIT 1`, "")

// Project returns a project p may see.
func (s *Store) Project(ctx context.Context, p models.Principal, id string) (models.Project, error) {
	var pr models.Project
	err := queryRow(s.db.WithContext(ctx), qProject, id).Scan(projectTargets(&pr)...)
	if errors.Is(err, sql.ErrNoRows) {
		return models.Project{}, models.ErrNoProject()
	}
	if err != nil {
		return models.Project{}, err
	}
	if err := models.AuthorizeProjectView(p, pr); err != nil {
		return models.Project{}, err
	}
	return pr, nil
}

// projectRow is one row of qProjects: a project and its version.
type projectRow struct {
	project models.Project
	version int64
}

func (r *projectRow) targets() []any { return concat(projectTargets(&r.project), []any{&r.version}) }

var (
	qProjects = newQuery(`SELECT `+columnsOf((*projectRow).targets, "p", "p")+` FROM projects p WHERE p.org_id = ? ORDER BY p.name`, "")
	// qProjectCounts counts the clusters of an organization's projects in
	// one pass; a project without clusters has no row.
	qProjectCounts = newQuery(`SELECT c.project_id, COUNT(*) FROM clusters c
		WHERE c.project_id IN (SELECT id FROM projects WHERE org_id = ?) GROUP BY c.project_id`, "")
	// qProjectsVersion is the version of an organization's projects: how
	// many there are and the sum of their versions (an index holds both).
	qProjectsVersion = newQuery(`SELECT COUNT(*), CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM projects WHERE org_id = ?`, "")
)

// Projects lists the projects of an organization that p may see, with
// their cluster counts. The store keeps each organization's list
// (clustercache.go) by the number of its projects and the sum of their
// versions, which one statement reads: projects are neither renamed nor
// removed, so a new project or a new cluster, which bumps its project's
// version, is the only change to the list, and either makes the pair grow.
func (s *Store) Projects(ctx context.Context, p models.Principal, orgID string) ([]models.ProjectSummary, error) {
	if !models.CanViewOrg(p, orgID) {
		return nil, models.ErrNoOrg()
	}
	db := s.db.WithContext(ctx)
	var at projectsVersion
	if err := queryRow(db, qProjectsVersion, orgID).Scan(at.targets()...); err != nil {
		return nil, fmt.Errorf("list projects: %w", err)
	}
	cache := s.clusters()
	all, ok := cache.projects(orgID, at)
	if !ok {
		var err error
		if all, at, err = orgProjects(db, orgID); err != nil {
			return nil, fmt.Errorf("list projects: %w", err)
		}
		cache.keepProjects(orgID, at, all)
	}
	out := make([]models.ProjectSummary, 0, len(all))
	for _, pr := range all {
		if models.CanViewProject(p, pr.Project) {
			out = append(out, pr)
		}
	}
	return out, nil
}

// orgProjects reads an organization's projects by name with their cluster
// counts, and the version of the list. The counts are read after the
// projects: they are at least as new as the version they are kept at,
// and a list newer than its version is only read again.
func orgProjects(db *gorm.DB, orgID string) ([]models.ProjectSummary, projectsVersion, error) {
	out, at, err := readOrgProjects(db, orgID)
	if err != nil {
		return nil, at, err
	}
	counts, err := clusterCounts(db, orgID)
	if err != nil {
		return nil, at, err
	}
	for i := range out {
		out[i].ClusterCount = counts[out[i].ID]
	}
	return out, at, nil
}

// readOrgProjects reads an organization's projects by name, without their
// cluster counts, and the version of the list.
func readOrgProjects(db *gorm.DB, orgID string) ([]models.ProjectSummary, projectsVersion, error) {
	var at projectsVersion
	rows, err := readRows(db, qProjects, orgID)
	if err != nil {
		return nil, at, err
	}
	defer rows.Close()
	out := make([]models.ProjectSummary, 0, 8)
	var r projectRow
	dest := r.targets()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, at, err
		}
		out = append(out, models.ProjectSummary{Project: r.project})
		at.count++
		at.sum += r.version
	}
	return out, at, rows.Err()
}

// clusterCountRow is one row of qProjectCounts.
type clusterCountRow struct {
	projectID string
	n         int
}

func (r *clusterCountRow) targets() []any { return []any{&r.projectID, &r.n} }

// clusterCounts reads how many clusters each project of an organization
// holds, by project id; a project without clusters is missing.
func clusterCounts(db *gorm.DB, orgID string) (map[string]int, error) {
	rows, err := readRows(db, qProjectCounts, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	counts := make(map[string]int, 8)
	var r clusterCountRow
	dest := r.targets()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		counts[r.projectID] = r.n
	}
	return counts, rows.Err()
}

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
