package store

import (
	"sync"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

// A project's clusters page reads the same hundred clusters on every
// request, and they change only when a grant is made, revoked or expires,
// or a cluster is added. Each of those changes adds one to the project's
// version in the transaction that makes it, so that a store may keep a
// project's clusters and serve them again for as long as the version it
// read them at is the version the database holds: one statement, the
// project with its organization, tells every replica whether what it
// holds is current. The clock is the one thing that changes the page
// without a change in the database: a grant stops showing at its expiry,
// so a kept list is served only before the earliest expiry it shows.

var qBumpProjectVersion = newQuery(`UPDATE projects SET version = version + 1 WHERE id = ?`, "")

// bumpProjectVersion records, in the transaction that changes them, that
// a project's clusters or grants changed. Each change calls it once, as
// its transaction's last statement: on PostgreSQL it takes the project's
// row lock, held until the commit, and a change holding it then waits for
// nothing else.
func bumpProjectVersion(tx *gorm.DB, projectID string) error {
	_, err := exec(tx, qBumpProjectVersion, projectID)
	return err
}

// Bounds of a store's cache: at most maxCachedProjects projects' cluster
// lists, holding at most maxCachedClusters clusters across them (a project
// with more is not kept), and at most maxCachedOrgs organizations' project
// lists of at most maxCachedOrgProjects projects each (a longer list is
// not kept). Measured, a kept cluster costs about 350 bytes, 700 with a
// grant in force (the project and organization its view shows share their
// strings with the list's other views), and a kept project about 150: the
// cluster lists stay under about 6 MB, 12 MB were every cluster granted,
// and the project lists under about 2.5 MB.
const (
	maxCachedProjects    = 64
	maxCachedClusters    = 16384
	maxCachedOrgs        = 64
	maxCachedOrgProjects = 256
)

// clusterCache keeps projects' cluster lists as ClusterList reads them,
// and organizations' project lists as Projects reads them. Safe for
// concurrent use.
type clusterCache struct {
	mu       sync.RWMutex
	lists    map[string]*cachedClusters // by project id
	clusters int                        // kept across lists
	orgs     map[string]cachedProjects  // project lists, by organization id
}

// cachedClusters is one project's clusters with the grants in force on
// them, read at version, as views of the project and organization read
// with them. It is never changed once kept, and its views are shared by
// every caller of ClusterList.
type cachedClusters struct {
	version int64
	readAt  time.Time      // the clock when read: a clock set back misses
	until   models.Instant // the earliest expiry of the grants shown; 0 without grants
	views   []models.ClusterView
}

// current reports whether the list still shows the project at version and
// the moment now.
func (c *cachedClusters) current(version int64, now time.Time) bool {
	return c.version == version && !now.Before(c.readAt) && (c.until == 0 || now.Before(c.until.Time()))
}

// of returns the list as views of pr and org: c itself when they are the
// project and organization it was read with, else a copy.
func (c *cachedClusters) of(pr models.Project, org models.Organization) *cachedClusters {
	if len(c.views) == 0 || (c.views[0].Project == pr && c.views[0].Org == org) {
		return c
	}
	n := *c
	n.views = make([]models.ClusterView, len(c.views))
	for i := range c.views {
		n.views[i] = c.views[i]
		n.views[i].Project, n.views[i].Org = pr, org
	}
	return &n
}

// newCachedClusters keeps views read at version and now; the grants in
// them must be those in force at now, and nobody may change them after.
func newCachedClusters(version int64, now time.Time, views []models.ClusterView) *cachedClusters {
	c := &cachedClusters{version: version, readAt: now, views: views}
	for i := range views {
		if g := views[i].Grant; g != nil && (c.until == 0 || g.ExpiresAt < c.until) {
			c.until = g.ExpiresAt
		}
	}
	return c
}

// projectsVersion is the version of an organization's project list: the
// number of projects and the sum of their versions.
type projectsVersion struct{ count, sum int64 }

// targets are the columns of qProjectsVersion (project.go).
func (v *projectsVersion) targets() []any { return []any{&v.count, &v.sum} }

// cachedProjects is an organization's projects with their cluster counts,
// read at a version. Never changed once kept.
type cachedProjects struct {
	at       projectsVersion
	projects []models.ProjectSummary
}

// list returns the project's kept list if it is current.
func (cc *clusterCache) list(projectID string, version int64, now time.Time) *cachedClusters {
	cc.mu.RLock()
	c := cc.lists[projectID]
	cc.mu.RUnlock()
	if c == nil || !c.current(version, now) {
		return nil
	}
	return c
}

// keep stores a project's list, unless a newer one is kept already,
// making room by dropping other projects' lists at random.
func (cc *clusterCache) keep(projectID string, c *cachedClusters) {
	if len(c.views) > maxCachedClusters {
		return
	}
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if old := cc.lists[projectID]; old != nil {
		if old.version > c.version {
			return
		}
		cc.clusters -= len(old.views)
		delete(cc.lists, projectID)
	}
	for id, old := range cc.lists {
		if len(cc.lists) < maxCachedProjects && cc.clusters+len(c.views) <= maxCachedClusters {
			break
		}
		cc.clusters -= len(old.views)
		delete(cc.lists, id)
	}
	cc.lists[projectID] = c
	cc.clusters += len(c.views)
}

// projects returns an organization's kept projects if they were read at
// version at. The caller must not change them.
func (cc *clusterCache) projects(orgID string, at projectsVersion) ([]models.ProjectSummary, bool) {
	cc.mu.RLock()
	c, ok := cc.orgs[orgID]
	cc.mu.RUnlock()
	return c.projects, ok && c.at == at
}

// keepProjects stores an organization's projects read at version at,
// unless newer ones are kept or there are too many to keep, dropping
// another organization's at random when full.
func (cc *clusterCache) keepProjects(orgID string, at projectsVersion, ps []models.ProjectSummary) {
	if len(ps) > maxCachedOrgProjects {
		return
	}
	cc.mu.Lock()
	defer cc.mu.Unlock()
	old, ok := cc.orgs[orgID]
	if ok && (old.at.count > at.count || old.at.sum > at.sum) {
		return
	}
	for id := range cc.orgs {
		if ok || len(cc.orgs) < maxCachedOrgs {
			break
		}
		delete(cc.orgs, id)
	}
	cc.orgs[orgID] = cachedProjects{at: at, projects: ps}
}

// newClusterCache is an empty cache.
func newClusterCache() *clusterCache {
	return &clusterCache{lists: map[string]*cachedClusters{}, orgs: map[string]cachedProjects{}}
}

// clusters returns the store's cache of cluster lists. A store made as a
// literal around a transaction (the seeds) has none and keeps nothing.
func (s *Store) clusters() *clusterCache {
	if s.cache == nil {
		return newClusterCache()
	}
	return s.cache
}
