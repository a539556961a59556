package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"supportaccess/models"
	"supportaccess/models/store/sqlite"
)

// TestSQLiteTuningChangesNothingButSpeed runs a slice of the product on
// SQLite with every piece of package sqlite switched off and with every
// piece on: grants, a replacement, a repeated form, access decisions, a
// block, revokes, an expiry recorded by the sweep, and the clusters
// page. Both tell the same story, the one written below.
func TestSQLiteTuningChangesNothingButSpeed(t *testing.T) {
	want := []string{
		"granted orders-prod CLUSTER_INFRASTRUCTURE for 24h0m0s",
		"replaced CLUSTER_INFRASTRUCTURE with CLUSTER_DATABASE_LOGS for 24h0m0s",
		"repeated form: repeated true, same grant true",
		"decide INFRASTRUCTURE: allowed true STANDING_ACCESS",
		"decide DATABASE_LOGS: allowed true GRANT_COVERS_SCOPE",
		"block on",
		"decide INFRASTRUCTURE: allowed false GRANT_DOES_NOT_COVER",
		"decide APP_SERVICES_SYNC_DATA: allowed false SYNC_DATA_NEEDS_GRANT",
		"revoked true",
		"revoked again false",
		"granted analytics CLUSTER_INFRASTRUCTURE for 1m0s",
		"swept 1",
		"swept again 0",
		"clusters: analytics no grant, orders-prod no grant",
		"granted orders-prod CLUSTER_INFRASTRUCTURE_AND_APP_SERVICES_SYNC_DATA for 24h0m0s",
		"clusters: analytics no grant, orders-prod CLUSTER_INFRASTRUCTURE_AND_APP_SERVICES_SYNC_DATA",
		"events: EMPLOYEE_ACCESS_GRANTED, EMPLOYEE_ACCESS_EXPIRED, EMPLOYEE_ACCESS_GRANTED, EMPLOYEE_ACCESS_REVOKED, SUPPORT_ACCESS_BLOCKED, EMPLOYEE_ACCESS_GRANT_REPLACED, EMPLOYEE_ACCESS_GRANTED",
		"decisions: 4, allowed 2",
	}
	off := productStory(t, Options{NoStmtCache: true, NoGroupCommit: true, NoCheckpointer: true})
	on := productStory(t, Options{})
	if !slices.Equal(off, want) {
		t.Errorf("with the tuning off:\n%q\nwant\n%q", off, want)
	}
	if !slices.Equal(on, off) {
		t.Errorf("with the tuning on:\n%q\nwith it off:\n%q", on, off)
	}
}

// productStory runs the slice of the product on a fresh SQLite file
// whose stores open with o, after checking that o's pieces are off and
// the others on, and tells what happened.
func productStory(t *testing.T, o Options) []string {
	t.Helper()
	ctx := context.Background()
	f := newFixtureWith(t, testDSN(t, onSQLite), o)
	checkTuning(t, f.s, o)
	s, owner, prod, org := f.s, f.owner, f.prod, f.org
	staff, _, err := s.CreateSupportStaff(ctx, "tse@provider.test", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var story []string
	tell := func(format string, args ...any) { story = append(story, fmt.Sprintf(format, args...)) }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	grant := func(cluster string, typ models.GrantType, expires time.Time, key string) models.GrantResult {
		t.Helper()
		res, err := s.GrantAccess(ctx, owner, models.GrantRequest{ProjectID: prod.ID, ClusterName: cluster, Type: typ, ExpiresAt: expires, RequestKey: key})
		must(err)
		return res
	}
	decide := func(scope models.Scope) {
		t.Helper()
		d, err := s.DecideAccess(ctx, staff, models.AccessRequest{ProjectID: prod.ID, ClusterName: "orders-prod", Scope: string(scope), CaseNumber: "01234567", Via: models.ViaAPI})
		must(err)
		tell("decide %s: allowed %v %s", scope, d.Allowed, d.ReasonCode)
	}
	clusters := func() {
		t.Helper()
		l, err := s.ClusterList(ctx, owner.Principal, prod.ID)
		must(err)
		var rows []string
		for _, v := range l.Clusters {
			shown := "no grant"
			if v.Grant != nil {
				shown = string(v.Grant.Type)
			}
			rows = append(rows, v.Name+" "+shown)
		}
		tell("clusters: %s", strings.Join(rows, ", "))
	}

	first := grant("orders-prod", models.GrantInfrastructure, time.Time{}, "form-1")
	tell("granted %s %s for %v", first.Cluster.Name, first.Grant.Type, first.Grant.ExpiresAt.Time().Sub(f.clock))
	second := grant("orders-prod", models.GrantDatabaseLogs, time.Time{}, "")
	tell("replaced %s with %s for %v", second.Replaced.Type, second.Grant.Type, second.Grant.ExpiresAt.Time().Sub(f.clock))
	again := grant("orders-prod", models.GrantInfrastructure, time.Time{}, "form-1")
	tell("repeated form: repeated %v, same grant %v", again.Repeated, again.Grant.ID == first.Grant.ID)
	decide(models.ScopeInfrastructure)
	decide(models.ScopeDatabaseLogs)
	_, err = s.SetBlock(ctx, owner, org.ID, true)
	must(err)
	tell("block on")
	decide(models.ScopeInfrastructure)
	decide(models.ScopeSyncData)
	ok, _, err := s.RevokeAccess(ctx, owner, prod.ID, "orders-prod")
	must(err)
	tell("revoked %v", ok)
	ok, _, err = s.RevokeAccess(ctx, owner, prod.ID, "orders-prod")
	must(err)
	tell("revoked again %v", ok)
	short := grant("analytics", models.GrantInfrastructure, f.clock.Add(time.Minute), "")
	tell("granted %s %s for %v", short.Cluster.Name, short.Grant.Type, short.Grant.ExpiresAt.Time().Sub(f.clock))
	f.clock = f.clock.Add(time.Minute)
	n, err := s.SweepExpired(ctx)
	must(err)
	tell("swept %d", n)
	n, err = s.SweepExpired(ctx)
	must(err)
	tell("swept again %d", n)
	clusters()
	sync := grant("orders-prod", models.GrantInfrastructureSync, time.Time{}, "")
	tell("granted %s %s for %v", sync.Cluster.Name, sync.Grant.Type, sync.Grant.ExpiresAt.Time().Sub(f.clock))
	clusters()

	evs, _, err := s.Events(ctx, owner.Principal, models.EventFilter{OrgID: org.ID, PerPage: 100})
	must(err)
	var types []string
	for _, e := range evs {
		types = append(types, string(e.Type))
	}
	tell("events: %s", strings.Join(types, ", "))
	ds, total, err := s.AccessDecisions(ctx, owner.Principal, models.DecisionFilter{OrgID: org.ID})
	must(err)
	allowed := 0
	for _, d := range ds {
		if d.Allowed {
			allowed++
		}
	}
	tell("decisions: %d, allowed %d", total, allowed)
	return story
}

// checkTuning fails the test unless exactly the pieces o switches off are
// off in s.
func checkTuning(t *testing.T, s *Store, o Options) {
	t.Helper()
	if (s.group == nil) != o.NoGroupCommit || (s.checkpoints == nil) != o.NoCheckpointer {
		t.Fatalf("options %+v: group committer %v, checkpointer %v", o, s.group != nil, s.checkpoints != nil)
	}
	var auto int
	if err := s.db.Raw("PRAGMA wal_autocheckpoint").Scan(&auto).Error; err != nil {
		t.Fatal(err)
	}
	if (auto == 0) == o.NoCheckpointer {
		t.Fatalf("options %+v: wal_autocheckpoint = %d", o, auto)
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := sqlDB.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var keeps bool
	if err := conn.Raw(func(dc any) error { keeps = sqlite.KeepsStatements(dc); return nil }); err != nil {
		t.Fatal(err)
	}
	if keeps == o.NoStmtCache {
		t.Fatalf("options %+v: connections keep their statements: %v", o, keeps)
	}
}
