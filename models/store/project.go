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
	now := s.now()
	p := models.Project{ID: models.NewID(now), OrgID: orgID, Name: name, CreatedAt: models.At(now)}
	// A project starts with its default alerts (alert.go), in the
	// transaction that creates it.
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&p).Error; err != nil {
			return err
		}
		return insertDefaultAlerts(tx, orgID, p.ID, now)
	})
	if err != nil {
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
	return s.projectsAt(db, p, orgID, at)
}

// qOrgNav is qProjectsVersion with qPendingRequests beside it: one
// statement for what the navigation of every organization page shows one
// who sees every project (two statements were an eighth of the clusters
// page's CPU).
var qOrgNav = newQuery(`SELECT COUNT(*), CAST(COALESCE(SUM(version), 0) AS BIGINT),
	(SELECT COUNT(*) FROM access_requests WHERE org_id = ? AND status = 'PENDING' AND lapses_at > ?)
	FROM projects WHERE org_id = ?`, "")

// OrgNav is Projects and PendingRequestCount together.
func (s *Store) OrgNav(ctx context.Context, p models.Principal, orgID string) ([]models.ProjectSummary, int64, error) {
	if !models.CanViewOrg(p, orgID) {
		return nil, 0, models.ErrNoOrg()
	}
	if !models.SeesEveryProject(p, orgID) {
		projects, err := s.Projects(ctx, p, orgID)
		if err != nil {
			return nil, 0, err
		}
		pending, err := s.PendingRequestCount(ctx, p, orgID)
		return projects, pending, err
	}
	db := s.db.WithContext(ctx)
	var at projectsVersion
	var pending int64
	if err := queryRow(db, qOrgNav, orgID, models.At(s.now()), orgID).Scan(append(at.targets(), &pending)...); err != nil {
		return nil, 0, fmt.Errorf("list projects: %w", err)
	}
	projects, err := s.projectsAt(db, p, orgID, at)
	return projects, pending, err
}

// projectsAt is Projects once the list's version is read.
func (s *Store) projectsAt(db *gorm.DB, p models.Principal, orgID string, at projectsVersion) ([]models.ProjectSummary, error) {
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
