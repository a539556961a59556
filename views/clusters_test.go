package views

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"supportaccess/models"
)

// requestKeys are the sync forms' request keys, fresh on every page.
var requestKeys = regexp.MustCompile(`name="requestKey" value="([0-9a-f]+)"`)

// testPage is a page of clusters of every kind, sync enabled or not, with
// a grant or not, in a project of its own at a version of its own, so
// that no other test's kept rows are in the way, kept in rows (nil: none).
// Its sync forms get fresh request keys, as the handler gives them.
func testPage(t *testing.T, rows *RowCache, block, manage bool, csrf string) ClustersPage {
	t.Helper()
	now := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	org := models.Organization{ID: "6b00000000000000000000a1", Name: "Acme Corp", BlockSupportAccess: block}
	project := models.Project{ID: t.Name(), OrgID: org.ID, Name: "Production"}
	v := ClustersPage{Project: project, Org: org, Version: 1, CanManage: manage, Now: now, CSRF: csrf, Rows: rows}
	for i, c := range []struct {
		sync, grant bool
	}{{false, false}, {true, false}, {false, false}, {true, true}, {false, true}, {true, false}, {false, false}} {
		cv := models.ClusterView{Project: project, Org: org, Cluster: models.Cluster{
			ID: fmt.Sprintf("6b00000000000000000001%02d", i), ProjectID: project.ID, Name: fmt.Sprint("cluster-", i),
			ClusterType: "REPLICASET", MongoDBVersion: "8.0.4", StateName: "IDLE", SyncEnabled: c.sync}}
		if c.grant {
			cv.Grant = &models.Grant{ID: "g" + cv.ID, ClusterID: cv.ID, Type: models.GrantInfrastructure, ExpiresAt: models.At(now.Add(time.Hour))}
		}
		v.Clusters = append(v.Clusters, cv)
	}
	v.RequestKeys = make([]string, len(v.Clusters))
	for i := range v.Clusters {
		if v.NeedsRequestKey(i) {
			v.RequestKeys[i] = models.RandomToken(16)
		}
	}
	return v
}

// renderRefresh renders the rows of v as a re-sync answers them.
func renderRefresh(t *testing.T, v ClustersPage) string {
	t.Helper()
	var b strings.Builder
	if err := ClustersRefresh(v).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestRowsOfOneUserAreNeverServedToAnother: users who see the same
// clusters at the same version share kept rows, yet a page never carries
// another user's CSRF token or request key, whether sync is enabled or
// not, the block on or off, a grant in force or not. A row carries its
// user's token exactly when offersSyncForm says it does, the one rule the
// menu and the kept rows share.
func TestRowsOfOneUserAreNeverServedToAnother(t *testing.T) {
	rows := NewRowCache()
	for _, block := range []bool{false, true} {
		t.Run(fmt.Sprintf("block %v", block), func(t *testing.T) {
			users := []struct {
				csrf   string
				manage bool
			}{{"csrf-token-of-ann", true}, {"csrf-token-of-bob", true}, {"csrf-token-of-ray", false}}
			pages := map[string][]string{} // each user's pages
			keys := map[string][]string{}  // each user's request keys
			for range 3 {
				for _, u := range users {
					v := testPage(t, rows, block, u.manage, u.csrf)
					forms := 0
					for i := range v.Clusters {
						offered := offersSyncForm(v.CanManage, &v.Clusters[i])
						if offered {
							forms++
						}
						row := v.row(i)
						var b strings.Builder
						if err := ClusterRowView(*row).Render(context.Background(), &b); err != nil {
							t.Fatal(err)
						}
						if got := strings.Contains(b.String(), u.csrf); got != offered {
							t.Fatalf("row %s carries the token: %v, offersSyncForm: %v", row.Name, got, offered)
						}
						if row.offersSyncForm() != offered {
							t.Fatalf("row %s: the row and the page disagree on the sync form", row.Name)
						}
					}
					if want := map[bool]int{false: 2, true: 0}[block]; u.manage && forms != want {
						t.Fatalf("%d sync forms, want %d", forms, want)
					}
					page := renderRefresh(t, v)
					if got := strings.Count(page, `value="`+u.csrf+`"`); got != forms {
						t.Fatalf("%s: %d forms with the user's token, want %d", u.csrf, got, forms)
					}
					pages[u.csrf] = append(pages[u.csrf], page)
					for _, m := range requestKeys.FindAllStringSubmatch(page, -1) {
						keys[u.csrf] = append(keys[u.csrf], m[1])
					}
				}
			}
			for _, a := range users {
				for _, b := range users {
					if a == b {
						continue
					}
					for _, page := range pages[b.csrf] {
						if strings.Contains(page, a.csrf) {
							t.Fatalf("a page of %s carries the token of %s", b.csrf, a.csrf)
						}
						for _, k := range keys[a.csrf] {
							if strings.Contains(page, k) {
								t.Fatalf("a page of %s carries request key %s of %s", b.csrf, k, a.csrf)
							}
						}
					}
				}
			}
		})
	}
}

// TestSecondRenderIsWrittenFromKeptRows: the first render of a page keeps
// its rows; the second is written from them, and is byte for byte the
// first (but for the sync forms' fresh request keys).
func TestSecondRenderIsWrittenFromKeptRows(t *testing.T) {
	rows := NewRowCache()
	v := testPage(t, rows, false, true, "csrf-token")
	key := rowSetKey{projectID: v.Project.ID, orgID: v.Org.ID, version: v.Version, blocked: v.Org.BlockSupportAccess, manage: v.CanManage}
	if rows.get(key) != nil {
		t.Fatal("rows kept before any render")
	}
	first := renderRefresh(t, v)
	p := rows.get(key)
	if p == nil || len(p.runs) == 0 {
		t.Fatalf("the first render kept no rows: %+v", p)
	}
	second := renderRefresh(t, v)
	if rows.get(key) != p {
		t.Fatal("the second render rendered the rows again and kept them anew")
	}
	same := func(s string) string { return requestKeys.ReplaceAllString(s, "K") }
	if same(first) != same(second) {
		t.Fatalf("the page written from kept rows differs from the page rendered:\n%s\n----\n%s", first, second)
	}

	// The sync forms' rows are kept too, with holes for the token and the
	// key: a page with fresh keys shows each of them once, in its row, and
	// none of the keys before.
	forms := 0
	for i := range v.Clusters {
		if v.NeedsRequestKey(i) {
			forms++
			if !p.kept[i] {
				t.Fatalf("row %d, with the sync form and no grant, not kept", i)
			}
		}
	}
	old := v.RequestKeys
	v.RequestKeys = make([]string, len(old))
	for i := range old {
		if old[i] != "" {
			v.RequestKeys[i] = models.RandomToken(16)
		}
	}
	fresh := renderRefresh(t, v)
	if got := requestKeys.FindAllStringSubmatch(fresh, -1); len(got) != forms || forms == 0 {
		t.Fatalf("%d request keys on the page, want %d", len(got), forms)
	}
	for i := range old {
		if old[i] == "" {
			continue
		}
		row := fresh[strings.Index(fresh, fmt.Sprintf(`data-cluster="%s"`, v.Clusters[i].Name))+1:]
		if next := strings.Index(row, `data-cluster="`); next >= 0 {
			row = row[:next]
		}
		if !strings.Contains(row, `name="requestKey" value="`+v.RequestKeys[i]+`"`) || strings.Contains(fresh, old[i]) {
			t.Fatalf("row %d: its fresh key is not in its row, or its old key is on the page", i)
		}
	}
	if same(fresh) != same(first) {
		t.Fatalf("the page with fresh keys differs from the first but for them:\n%s\n----\n%s", fresh, first)
	}

	// Kept rows marked: the page shows the marks where the kept rows were
	// and renders the others.
	marked := *p
	marked.runs = nil
	for i := range p.runs {
		marked.runs = append(marked.runs, keptRun{html: []byte(fmt.Sprintf("<!--kept %d-->", i))})
	}
	rows.put(key, &marked)
	third := renderRefresh(t, v)
	for i := range p.runs {
		if mark := fmt.Sprintf("<!--kept %d-->", i); strings.Count(third, mark) != 1 {
			t.Fatalf("kept run %d not written from the kept rows:\n%s", i, third)
		}
	}
	for i := range v.Clusters {
		row := fmt.Sprintf(`data-cluster="%s"`, v.Clusters[i].Name)
		if rendered := strings.Contains(third, row); rendered == p.kept[i] {
			t.Fatalf("row %d (kept %v) rendered: %v", i, p.kept[i], rendered)
		}
	}
}

// TestRowCacheKeepsTheNewestVersion: a project's older version is dropped
// when a newer one is kept and never kept after it, whatever order the
// requests finish in; other projects and other settings are untouched.
func TestRowCacheKeepsTheNewestVersion(t *testing.T) {
	c := NewRowCache()
	page := func() *keptRows { return &keptRows{size: 1000} }
	v := func(project string, version int64, manage bool) rowSetKey {
		return rowSetKey{projectID: project, orgID: "o", version: version, manage: manage}
	}
	c.put(v("a", 2, true), page())
	c.put(v("a", 2, false), page())
	c.put(v("b", 1, true), page())
	c.put(v("a", 1, true), page()) // a slow request finishing late
	if c.get(v("a", 1, true)) != nil {
		t.Fatal("an older version was kept after a newer one")
	}
	c.put(v("a", 3, true), page())
	for _, tc := range []struct {
		key  rowSetKey
		kept bool
	}{{v("a", 2, true), false}, {v("a", 2, false), false}, {v("a", 3, true), true}, {v("b", 1, true), true}} {
		if got := c.get(tc.key) != nil; got != tc.kept {
			t.Errorf("%+v kept: %v, want %v", tc.key, got, tc.kept)
		}
	}
	// The same key kept again replaces its page.
	again := page()
	c.put(v("a", 3, true), again)
	if c.get(v("a", 3, true)) != again || len(c.pages) != 2 || c.size != 2000 {
		t.Fatalf("%d pages, %d bytes, want 2 and 2000", len(c.pages), c.size)
	}
}

// TestFullRowCacheDropsOnlyWhatItMust: a page that does not fit drops
// other pages until it fits, not all of them.
func TestFullRowCacheDropsOnlyWhatItMust(t *testing.T) {
	c := NewRowCache()
	const n = 16
	for i := range n {
		c.put(rowSetKey{projectID: fmt.Sprint("p", i)}, &keptRows{size: maxKeptRowBytes / n})
	}
	if len(c.pages) != n || c.size != maxKeptRowBytes {
		t.Fatalf("%d pages, %d bytes: the cache should be full", len(c.pages), c.size)
	}
	last := rowSetKey{projectID: "last"}
	c.put(last, &keptRows{size: 3 * maxKeptRowBytes / n})
	if c.get(last) == nil || len(c.pages) != n-2 || c.size != maxKeptRowBytes {
		t.Fatalf("%d pages, %d bytes after a page three times the others: want %d pages, %d bytes", len(c.pages), c.size, n-2, maxKeptRowBytes)
	}
	sum := 0
	for _, p := range c.pages {
		sum += p.size
	}
	if sum != c.size {
		t.Fatalf("size %d, pages hold %d", c.size, sum)
	}
}

// TestPagesWithoutRowCacheAreTheSame: a server that keeps no rows (nil
// Rows) writes the very bytes of one that does, on the first render that
// keeps the rows and on the next ones written from them, for every kind
// of row, the block on or off, for users who manage grants or not.
func TestPagesWithoutRowCacheAreTheSame(t *testing.T) {
	for _, block := range []bool{false, true} {
		for _, manage := range []bool{false, true} {
			t.Run(fmt.Sprintf("block %v, manage %v", block, manage), func(t *testing.T) {
				v := testPage(t, nil, block, manage, "csrf-token")
				without := renderRefresh(t, v)
				var b strings.Builder
				if err := ClustersPageView(v).Render(context.Background(), &b); err != nil {
					t.Fatal(err)
				}
				wholeWithout := b.String()
				v.Rows = NewRowCache()
				for i := range 3 {
					if with := renderRefresh(t, v); with != without {
						t.Fatalf("render %d with the cache differs from the page without:\n%s\n----\n%s", i+1, with, without)
					}
				}
				b.Reset()
				if err := ClustersPageView(v).Render(context.Background(), &b); err != nil {
					t.Fatal(err)
				}
				if b.String() != wholeWithout {
					t.Fatalf("the whole page with the cache differs from the page without:\n%s\n----\n%s", b.String(), wholeWithout)
				}
				if len(v.Rows.pages) != 1 {
					t.Fatalf("%d pages kept, want the one", len(v.Rows.pages))
				}
			})
		}
	}
}
