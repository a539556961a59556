package views

import (
	"bytes"
	"context"
	"io"
	"sync"

	"github.com/a-h/templ"

	"supportaccess/models"
)

// Most rows of a clusters page are the same bytes on every request: a row
// with no grant in force and without the sync grant form (which carries
// the user's CSRF token and a fresh request key) shows only its cluster,
// the project and organization ids, the block setting and whether the
// user may manage grants. clusterRows keeps the HTML of those rows, by the
// project's version and those settings, joined where they follow one
// another, and writes it again for as long as a page has the same
// clusters. Rows with a grant (the countdown carries the moment) or the
// sync form are rendered every time. The server owns the cache and hands
// it to each page (ClustersPage.Rows); a page without one renders every
// row, to the same bytes.

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

// RowCache holds the kept rows of recent project versions, for the
// clusters pages of one server. Safe for concurrent use.
type RowCache struct {
	mu    sync.RWMutex
	pages map[rowSetKey]*keptRows
	size  int
}

// NewRowCache returns an empty cache, for a server to give its pages.
func NewRowCache() *RowCache { return &RowCache{pages: map[rowSetKey]*keptRows{}} }

func (c *RowCache) get(k rowSetKey) *keptRows {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.pages[k]
}

// put keeps a page's rows, dropping the project's older versions, which
// no page asks for again, and then as many other pages as it takes for
// the bound to hold. Rows read at an older version than one the project
// already has kept (a slow request finishing late) are not kept, nor is a
// page of more than a quarter of the bound.
func (c *RowCache) put(k rowSetKey, p *keptRows) {
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
	return cv.Grant == nil && cv.Request == nil && !offersSyncForm(v.CanManage, cv) &&
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
// when v has the same clusters as the page it was kept from. Without a
// cache it renders them all.
func clusterRows(v *ClustersPage) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if len(v.Clusters) == 0 {
			return nil
		}
		if v.Rows == nil {
			for i := range v.Clusters {
				if err := clusterRow(v.row(i)).Render(ctx, w); err != nil {
					return err
				}
			}
			return nil
		}
		key := rowSetKey{projectID: v.Project.ID, orgID: v.Org.ID, version: v.Version, blocked: v.Org.BlockSupportAccess, manage: v.CanManage}
		if p := v.Rows.get(key); p != nil && p.matches(v, key) {
			return p.write(ctx, w, v)
		}
		p, err := renderRows(ctx, w, v, key)
		if err != nil {
			return err
		}
		v.Rows.put(key, p)
		return nil
	})
}
