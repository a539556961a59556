package views

import (
	"bytes"
	"context"
	"io"
	"sync"
	"time"

	"github.com/a-h/templ"

	"supportaccess/models"
)

// ClustersPage is the data of a project's clusters page.
type ClustersPage struct {
	Page    Page
	Project models.Project
	Org     models.Organization
	// Version is the project's version the rows were read at
	// (models.ClusterList); it keys the rows' kept HTML (clusterRows).
	Version int64
	// Clusters are the rows' clusters, read only: the store shares them
	// with other pages.
	Clusters []models.ClusterView
	// What every row shares: whether the user may manage grants, the
	// moment, the user's CSRF token.
	CanManage bool
	Now       time.Time
	CSRF      string
}

// row is the i-th row of the page.
func (v *ClustersPage) row(i int) *ClusterRow {
	return &ClusterRow{ClusterView: v.Clusters[i], CanManage: v.CanManage, Now: v.Now, CSRF: v.CSRF}
}

// ClusterRow is one cluster with what its row shows and offers.
type ClusterRow struct {
	models.ClusterView
	CanManage bool
	Now       time.Time
	CSRF      string
}

// rowID is the stable id htmx swaps a row by.
func (r ClusterRow) rowID() string { return "cluster-" + r.Name }

// Blocked reports whether the organization blocks support access.
func (r ClusterRow) Blocked() bool { return r.Org.BlockSupportAccess }

// offersSyncForm reports whether the row's menu offers the sync grant
// form, which carries the user's CSRF token and a fresh request key.
func (r *ClusterRow) offersSyncForm() bool { return offersSyncForm(r.CanManage, &r.ClusterView) }

// offersSyncForm reports whether a user who may (or may not) manage
// grants is offered the sync grant form on cv's row, as the menu's rule
// (models.ClusterMenu) chooses: no grant in force, support access not
// blocked (a blocked organization's rows offer the grant dialog instead)
// and App Services sync enabled. The menu (rowCells) and the rows kept
// for every user (keepable) both follow that rule, so that a row carrying
// one user's token is never kept for another.
func offersSyncForm(canManage bool, cv *models.ClusterView) bool {
	return models.ClusterMenu(canManage, cv).SyncGrantForm
}

// GrantForm is the grant dialog's data: the choices, the one picked, and
// the error of a failed submission.
type GrantForm struct {
	Page       Page
	Row        ClusterRow
	Choices    []models.GrantType
	Selected   models.GrantType
	RequestKey string
	Error      string
}

// RevokeForm is the revoke confirmation's data.
type RevokeForm struct {
	Page  Page
	Row   ClusterRow
	Error string
}

func grantTypeHelp(t models.GrantType) string {
	switch t {
	case models.GrantInfrastructure:
		return "Support may reach the MongoDB and Atlas Search infrastructure of this cluster and read all of its cluster logs."
	case models.GrantDatabaseLogs:
		return "Support may download this cluster's database logs and nothing else. Database audit logs are not included."
	case models.GrantInfrastructureSync:
		return "Infrastructure and all cluster logs, plus App Services sync data of this cluster."
	}
	return ""
}

// Most rows of a clusters page are the same bytes on every request: a row
// with no grant in force and without the sync grant form (which carries
// the user's CSRF token and a fresh request key) shows only its cluster,
// the project and organization ids, the block setting and whether the
// user may manage grants. clusterRows keeps the HTML of those rows, by the
// project's version and those settings, joined where they follow one
// another, and writes it again for as long as a page has the same
// clusters. Rows with a grant (the countdown carries the moment) or the
// sync form are rendered every time.

// maxKeptRowBytes bounds the kept HTML; past it pages are dropped, any
// of them, until a new one fits. A row is about 1.3 KB.
const maxKeptRowBytes = 8 << 20

// rowSetKey is what a kept row depends on beside its cluster.
type rowSetKey struct {
	projectID, orgID string
	version          int64
	blocked, manage  bool
}

// keptRows is the HTML of a page's kept rows. It is never changed once
// kept.
type keptRows struct {
	clusters []models.Cluster // every row's cluster, in order
	kept     []bool           // whether each row is kept
	runs     [][]byte         // each run of kept rows, in order
	size     int              // about the bytes it holds
}

// rowCache holds the kept rows of recent project versions. Safe for
// concurrent use.
type rowCache struct {
	mu    sync.RWMutex
	pages map[rowSetKey]*keptRows
	size  int
}

var keptPages = rowCache{pages: map[rowSetKey]*keptRows{}}

func (c *rowCache) get(k rowSetKey) *keptRows {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.pages[k]
}

// put keeps a page's rows, dropping the project's older versions, which
// no page asks for again, and then as many other pages as it takes for
// the bound to hold. Rows read at an older version than one the project
// already has kept (a slow request finishing late) are not kept, nor is a
// page of more than a quarter of the bound.
func (c *rowCache) put(k rowSetKey, p *keptRows) {
	if p.size > maxKeptRowBytes/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for o := range c.pages {
		if o.projectID == k.projectID && o.version > k.version {
			return
		}
	}
	for o, old := range c.pages {
		if o == k || o.projectID == k.projectID && o.version < k.version {
			c.size -= old.size
			delete(c.pages, o)
		}
	}
	for o, old := range c.pages {
		if c.size+p.size <= maxKeptRowBytes {
			break
		}
		c.size -= old.size
		delete(c.pages, o)
	}
	c.pages[k] = p
	c.size += p.size
}

// keepable reports whether the HTML of cv's row on page v depends on
// nothing but its cluster and key.
func (v *ClustersPage) keepable(cv *models.ClusterView, key rowSetKey) bool {
	return cv.Grant == nil && !offersSyncForm(v.CanManage, cv) &&
		cv.Project.ID == key.projectID && cv.Org.ID == key.orgID && cv.Org.BlockSupportAccess == key.blocked
}

// matches reports whether the rows of v are the rows p was rendered from.
func (p *keptRows) matches(v *ClustersPage, key rowSetKey) bool {
	if len(v.Clusters) != len(p.clusters) {
		return false
	}
	for i := range v.Clusters {
		cv := &v.Clusters[i]
		if v.keepable(cv, key) != p.kept[i] || cv.Cluster != p.clusters[i] {
			return false
		}
	}
	return true
}

// write writes the rows of v, the kept ones from p.
func (p *keptRows) write(ctx context.Context, w io.Writer, v *ClustersPage) error {
	run := 0
	for i := 0; i < len(v.Clusters); {
		if !p.kept[i] {
			if err := clusterRow(v.row(i)).Render(ctx, w); err != nil {
				return err
			}
			i++
			continue
		}
		if _, err := w.Write(p.runs[run]); err != nil {
			return err
		}
		run++
		for i < len(v.Clusters) && p.kept[i] {
			i++
		}
	}
	return nil
}

// renderRows renders the rows of v to w and returns the rows to keep.
func renderRows(ctx context.Context, w io.Writer, v *ClustersPage, key rowSetKey) (*keptRows, error) {
	p := &keptRows{clusters: make([]models.Cluster, len(v.Clusters)), kept: make([]bool, len(v.Clusters))}
	var run bytes.Buffer
	endRun := func() {
		if run.Len() > 0 {
			p.runs = append(p.runs, bytes.Clone(run.Bytes()))
			p.size += run.Len()
			run.Reset()
		}
	}
	for i := range v.Clusters {
		cv := &v.Clusters[i]
		p.clusters[i], p.kept[i] = cv.Cluster, v.keepable(cv, key)
		p.size += 128 // the cluster
		if !p.kept[i] {
			endRun()
			if err := clusterRow(v.row(i)).Render(ctx, w); err != nil {
				return nil, err
			}
			continue
		}
		start := run.Len()
		if err := clusterRow(v.row(i)).Render(ctx, &run); err != nil {
			return nil, err
		}
		if _, err := w.Write(run.Bytes()[start:]); err != nil {
			return nil, err
		}
	}
	endRun()
	return p, nil
}

// clusterRows writes the rows of v, the keepable ones from the kept HTML
// when v has the same clusters as the page it was kept from.
func clusterRows(v *ClustersPage) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if len(v.Clusters) == 0 {
			return nil
		}
		key := rowSetKey{projectID: v.Project.ID, orgID: v.Org.ID, version: v.Version, blocked: v.Org.BlockSupportAccess, manage: v.CanManage}
		if p := keptPages.get(key); p != nil && p.matches(v, key) {
			return p.write(ctx, w, v)
		}
		p, err := renderRows(ctx, w, v, key)
		if err != nil {
			return err
		}
		keptPages.put(key, p)
		return nil
	})
}
