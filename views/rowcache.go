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
// with no grant in force and no access request shows only its cluster,
// the project and organization ids, the block setting and whether the
// user may manage grants. clusterRows keeps the HTML of those rows, by the
// project's version and those settings, joined where they follow one
// another, and writes it again for as long as a page has the same
// clusters. The sync grant form's two values of its own, the user's CSRF
// token and the form's fresh request key, are holes in the kept HTML,
// filled for each page (rowHole); rows with a grant (the countdown
// carries the moment) or a request are rendered every time. The server
// owns the cache and hands it to each page (ClustersPage.Rows); a page
// without one renders every row, to the same bytes.

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
// kept, so pages read it without a lock.
type keptRows struct {
	clusters []models.Cluster // every row's cluster, in order
	kept     []bool           // whether each row is kept
	runs     []keptRun        // each run of kept rows, in order
	size     int              // about the bytes it holds
}

// keptRun is the HTML of rows that follow one another, without the values
// of its holes, which a page writes at their offsets.
type keptRun struct {
	html  []byte
	holes []rowHole
}

// rowHole is where a kept row's HTML takes a value of the page's: the
// user's CSRF token or, for a key hole, the request key of the row at
// that place on the page.
type rowHole struct {
	at  int
	row int
	key bool
}

// The marks a row kept is rendered with in place of the CSRF token and
// the request key, cut out where they appear (keptRun.add). Random to the
// process, in letters and digits that no escaping changes, so that no
// other text of a row can be taken for one.
var (
	csrfMark = "csrfhole" + models.RandomToken(12)
	keyMark  = "rkeyhole" + models.RandomToken(12)
)

// add appends the HTML of the row at place row, rendered with the marks,
// cutting its holes out.
func (r *keptRun) add(row int, html []byte) {
	for {
		c, k := bytes.Index(html, []byte(csrfMark)), bytes.Index(html, []byte(keyMark))
		if c < 0 && k < 0 {
			r.html = append(r.html, html...)
			return
		}
		at, mark, key := c, csrfMark, false
		if c < 0 || k >= 0 && k < c {
			at, mark, key = k, keyMark, true
		}
		r.html = append(r.html, html[:at]...)
		r.holes = append(r.holes, rowHole{at: len(r.html), row: row, key: key})
		html = html[at+len(mark):]
	}
}

// write writes the run with v's values in its holes.
func (r *keptRun) write(w io.Writer, v *ClustersPage) error { return r.writeFrom(w, v, 0, 0) }

// writeFrom writes the run from byte from on, whose first hole is the
// hole-th, with v's values in its holes.
func (r *keptRun) writeFrom(w io.Writer, v *ClustersPage, from, hole int) error {
	for _, h := range r.holes[hole:] {
		if _, err := w.Write(r.html[from:h.at]); err != nil {
			return err
		}
		value := templ.EscapeString(v.CSRF)
		if h.key {
			value = ""
			if h.row < len(v.RequestKeys) {
				value = v.RequestKeys[h.row]
			}
		}
		if _, err := io.WriteString(w, value); err != nil {
			return err
		}
		from = h.at
	}
	_, err := w.Write(r.html[from:])
	return err
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
	return cv.Grant == nil && cv.Request == nil &&
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
		if err := p.runs[run].write(w, v); err != nil {
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
	var run keptRun
	var row bytes.Buffer
	endRun := func() {
		if len(run.html) > 0 {
			p.runs = append(p.runs, run)
			p.size += len(run.html) + 24*len(run.holes)
			run = keptRun{}
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
		r := v.row(i)
		r.CSRF, r.RequestKey = csrfMark, keyMark
		row.Reset()
		if err := clusterRow(r).Render(ctx, &row); err != nil {
			return nil, err
		}
		from, hole := len(run.html), len(run.holes)
		run.add(i, row.Bytes())
		if err := run.writeFrom(w, v, from, hole); err != nil {
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
