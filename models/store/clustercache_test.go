package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"supportaccess/models"
)

// clusterNamed returns the view of a cluster in a list, failing the test
// when it is missing.
func clusterNamed(t *testing.T, vs []models.ClusterView, name string) models.ClusterView {
	t.Helper()
	for _, v := range vs {
		if v.Name == name {
			return v
		}
	}
	t.Fatalf("no cluster %s in %d", name, len(vs))
	return models.ClusterView{}
}

// TestKeptClustersAreNeverStale: a store that keeps a project's clusters
// shows every change another replica makes, at once, and a grant goes at
// the instant it expires, with no sweep.
func TestKeptClustersAreNeverStale(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		a, b := f.s, f.replica(t)
		list := func() models.ClusterList {
			t.Helper()
			l, err := a.ClusterList(ctx, f.owner.Principal, f.prod.ID)
			if err != nil {
				t.Fatal(err)
			}
			return l
		}
		grantOn := func(name string) *models.Grant {
			t.Helper()
			return clusterNamed(t, list().Clusters, name).Grant
		}
		if g := grantOn("analytics"); g != nil {
			t.Fatalf("grant %v before any", g)
		}
		v0 := list().Version

		// A grant made through the other replica.
		expires := f.clock.Add(10 * time.Minute)
		res, err := b.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "analytics", Type: models.GrantDatabaseLogs, ExpiresAt: expires})
		if err != nil {
			t.Fatal(err)
		}
		if g := grantOn("analytics"); g == nil || g.ID != res.Grant.ID {
			t.Fatalf("after the grant: %v", g)
		}
		if v := list().Version; v <= v0 {
			t.Fatalf("version %d after a grant, was %d", v, v0)
		}

		// Revoked through the other replica.
		if ok, _, err := b.RevokeAccess(ctx, f.owner, f.prod.ID, "analytics"); err != nil || !ok {
			t.Fatalf("revoke: %v %v", ok, err)
		}
		if g := grantOn("analytics"); g != nil {
			t.Fatalf("after the revoke: %v", g)
		}

		// A grant shows until the instant of its expiry and not from it,
		// though nobody records the expiry.
		if _, err := b.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "analytics", Type: models.GrantDatabaseLogs, ExpiresAt: expires}); err != nil {
			t.Fatal(err)
		}
		if grantOn("analytics") == nil {
			t.Fatal("second grant not shown")
		}
		f.clock = expires.Add(-time.Nanosecond)
		if grantOn("analytics") == nil {
			t.Fatal("grant gone before its expiry")
		}
		before := list().Version
		f.clock = expires
		if g := grantOn("analytics"); g != nil {
			t.Fatalf("grant shown at its expiry: %v", g)
		}
		// Recording the expiry changes the version, not what is shown.
		if n, err := b.SweepExpired(ctx); err != nil || n != 1 {
			t.Fatalf("sweep: %d %v", n, err)
		}
		if l := list(); l.Version <= before || clusterNamed(t, l.Clusters, "analytics").Grant != nil {
			t.Fatalf("after the sweep: version %d (was %d), grant %v", l.Version, before, clusterNamed(t, l.Clusters, "analytics").Grant)
		}

		// The block setting is read with the project on every request.
		if _, err := b.SetBlock(ctx, f.owner, f.org.ID, true); err != nil {
			t.Fatal(err)
		}
		for _, v := range list().Clusters {
			if !v.Org.BlockSupportAccess {
				t.Fatalf("%s does not show the block", v.Name)
			}
		}

		// A new cluster, and the project's count in the navigation.
		if _, err := a.Projects(ctx, f.owner.Principal, f.org.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := b.CreateCluster(ctx, f.prod.ID, "reporting", false); err != nil {
			t.Fatal(err)
		}
		clusterNamed(t, list().Clusters, "reporting")
		ps, err := a.Projects(ctx, f.owner.Principal, f.org.ID)
		if err != nil {
			t.Fatal(err)
		}
		counts := map[string]int{}
		for _, p := range ps {
			counts[p.Name] = p.ClusterCount
		}
		if counts["Production"] != 3 || counts["Staging"] != 1 {
			t.Fatalf("cluster counts %v", counts)
		}
		// A new project, with no cluster yet, then its first.
		np, err := b.CreateProject(ctx, f.org.ID, "Analytics")
		if err != nil {
			t.Fatal(err)
		}
		for want := range 2 {
			if want == 1 {
				if _, err := b.CreateCluster(ctx, np.ID, "events", false); err != nil {
					t.Fatal(err)
				}
			}
			ps, err = a.Projects(ctx, f.owner.Principal, f.org.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) != 3 || ps[0].Name != "Analytics" || ps[0].ClusterCount != want {
				t.Fatalf("projects after a new one: %+v", ps)
			}
		}
	})
}

// TestEveryChangeBumpsTheVersion: each change to what a cluster row shows
// bumps its project's version, once per transaction (a grant that first
// records an expiry too); a repeated request changes nothing.
func TestEveryChangeBumpsTheVersion(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		version := func() int64 {
			t.Helper()
			l, err := f.s.ClusterList(ctx, f.owner.Principal, f.prod.ID)
			if err != nil {
				t.Fatal(err)
			}
			return l.Version
		}
		grant := models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "orders-prod", Type: models.GrantInfrastructure, RequestKey: "k1"}
		steps := []struct {
			name   string
			change func() error
			bumps  int64 // transactions that change what rows show
		}{
			{"grant", func() error { _, err := f.s.GrantAccess(ctx, f.owner, grant); return err }, 1},
			{"repeated grant", func() error { _, err := f.s.GrantAccess(ctx, f.owner, grant); return err }, 0},
			{"replacing grant", func() error {
				_, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "orders-prod", Type: models.GrantDatabaseLogs, ExpiresAt: f.clock.Add(time.Minute)})
				return err
			}, 1},
			{"expiry recorded by a grant", func() error {
				f.clock = f.clock.Add(time.Minute)
				_, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "orders-prod", Type: models.GrantDatabaseLogs, ExpiresAt: f.clock.Add(time.Minute)})
				return err
			}, 1},
			{"revoke", func() error { _, _, err := f.s.RevokeAccess(ctx, f.owner, f.prod.ID, "orders-prod"); return err }, 1},
			{"revoke of nothing", func() error { _, _, err := f.s.RevokeAccess(ctx, f.owner, f.prod.ID, "orders-prod"); return err }, 0},
			{"expiry recorded by a revoke", func() error {
				if _, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "analytics", Type: models.GrantDatabaseLogs, ExpiresAt: f.clock.Add(time.Minute)}); err != nil {
					return err
				}
				f.clock = f.clock.Add(time.Minute)
				_, _, err := f.s.RevokeAccess(ctx, f.owner, f.prod.ID, "analytics")
				return err
			}, 2},
			{"expiry recorded by the sweep", func() error {
				if _, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "analytics", Type: models.GrantDatabaseLogs, ExpiresAt: f.clock.Add(time.Minute)}); err != nil {
					return err
				}
				v := version()
				f.clock = f.clock.Add(time.Minute)
				if n, err := f.s.SweepExpired(ctx); err != nil || n != 1 {
					return fmt.Errorf("sweep: %d %w", n, err)
				}
				if version() == v {
					return fmt.Errorf("the sweep did not bump the version")
				}
				return nil
			}, 2},
			{"new cluster", func() error { _, err := f.s.CreateCluster(ctx, f.prod.ID, "reporting", true); return err }, 1},
			{"block setting", func() error { _, err := f.s.SetBlock(ctx, f.owner, f.org.ID, true); return err }, 0},
		}
		for _, st := range steps {
			before := version()
			if err := st.change(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if after := version(); after-before != st.bumps {
				t.Fatalf("%s: version %d -> %d, %d bumps wanted", st.name, before, after, st.bumps)
			}
		}
	})
}

// TestKeptClustersAreShared: ClusterList reads a project's clusters once
// and serves the views it keeps to every later caller, as read and with no
// copy (which is why callers must not change them).
func TestKeptClustersAreShared(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "analytics", Type: models.GrantDatabaseLogs}); err != nil {
		t.Fatal(err)
	}
	var first []models.ClusterView
	for i := range 2 {
		l, err := f.s.ClusterList(ctx, f.owner.Principal, f.prod.ID)
		if err != nil {
			t.Fatal(err)
		}
		vs := l.Clusters
		g := clusterNamed(t, vs, "analytics").Grant
		if g == nil || g.ExpiresAt != models.At(f.clock.Add(models.GrantDuration)) || clusterNamed(t, vs, "orders-prod").Project.Name != "Production" {
			t.Fatalf("read %+v", vs)
		}
		if i == 0 {
			first = vs
		} else if len(vs) == 0 || &vs[0] != &first[0] {
			t.Fatal("the second read did not serve the kept views")
		}
	}
}

// TestClusterCacheIsBounded: the cache keeps at most maxCachedProjects
// projects and maxCachedClusters clusters, and at most maxCachedOrgs
// project lists of at most maxCachedOrgProjects projects.
func TestClusterCacheIsBounded(t *testing.T) {
	cc := &clusterCache{lists: map[string]*cachedClusters{}, orgs: map[string]cachedProjects{}}
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	for i := range 3 * maxCachedProjects {
		cc.keep(fmt.Sprint("p", i), newCachedClusters(1, now, make([]models.ClusterView, 100)))
		cc.keepProjects(fmt.Sprint("o", i), projectsVersion{1, 1}, nil)
	}
	if len(cc.lists) > maxCachedProjects || len(cc.orgs) > maxCachedOrgs {
		t.Fatalf("%d lists, %d project lists kept", len(cc.lists), len(cc.orgs))
	}
	// An organization with more projects than a list may hold is not kept;
	// one with exactly that many is.
	at := projectsVersion{maxCachedOrgProjects, 1}
	cc.keepProjects("many", at, make([]models.ProjectSummary, maxCachedOrgProjects))
	if _, ok := cc.projects("many", at); !ok {
		t.Fatal("a list of maxCachedOrgProjects projects was not kept")
	}
	more := projectsVersion{maxCachedOrgProjects + 1, 1}
	cc.keepProjects("many", more, make([]models.ProjectSummary, maxCachedOrgProjects+1))
	if _, ok := cc.projects("many", more); ok {
		t.Fatal("a list longer than maxCachedOrgProjects was kept")
	}
	cc.keep("big", newCachedClusters(1, now, make([]models.ClusterView, maxCachedClusters/2)))
	cc.keep("big2", newCachedClusters(1, now, make([]models.ClusterView, maxCachedClusters/2+1)))
	n := 0
	for _, l := range cc.lists {
		n += len(l.views)
	}
	if n > maxCachedClusters || n != cc.clusters {
		t.Fatalf("%d clusters kept, %d counted", n, cc.clusters)
	}
	if cc.list("big2", 1, now) == nil {
		t.Fatal("the newest list was dropped")
	}
	// An older version never replaces a newer one, and a clock set back
	// misses.
	cc.keep("big2", newCachedClusters(0, now, nil))
	if cc.list("big2", 1, now) == nil || cc.list("big2", 1, now.Add(-time.Second)) != nil {
		t.Fatal("older version kept, or a clock set back served")
	}
}
