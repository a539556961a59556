package models

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"supportaccess/models/pgtest"
)

// fixture is a store on a real database with the demo organization and a
// clock the test moves.
type fixture struct {
	s     *Store
	dsn   string
	clock time.Time
	org   Organization
	prod  Project
	owner Actor
}

// backend is a database the store suite runs on.
type backend string

const (
	onSQLite   backend = "sqlite"
	onPostgres backend = "postgres"
)

// backends lists every database the store suite runs on.
var backends = []backend{onSQLite, onPostgres}

// eachBackend runs body once per backend, each with a fresh fixture: a
// SQLite file of its own, or a PostgreSQL database of its own.
func eachBackend(t *testing.T, body func(t *testing.T, f *fixture)) {
	t.Helper()
	for _, b := range backends {
		t.Run(string(b), func(t *testing.T) { body(t, newFixtureOn(t, b)) })
	}
}

// testDSN returns where a fresh, empty database of backend b lives.
func testDSN(t *testing.T, b backend) string {
	t.Helper()
	if b == onPostgres {
		return pgtest.Database(t)
	}
	return filepath.Join(t.TempDir(), "test.db")
}

// openTestStore opens and migrates a store on dsn, closed when the test ends.
func openTestStore(t *testing.T, dsn string) *Store {
	t.Helper()
	s, err := Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// newFixture is a fixture on SQLite, for tests of rules that do not depend
// on the database.
func newFixture(t *testing.T) *fixture { return newFixtureOn(t, onSQLite) }

// newFixtureOn is a fixture on a fresh database of backend b.
func newFixtureOn(t *testing.T, b backend) *fixture {
	t.Helper()
	dsn := testDSN(t, b)
	f := &fixture{dsn: dsn, clock: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)}
	f.s = f.replica(t)
	ctx := context.Background()
	var err error
	if ok, err := f.s.SeedDemo(ctx, "correct horse battery"); err != nil || !ok {
		t.Fatalf("seed: %v %v", ok, err)
	}
	if f.org, err = f.s.OrgByName(ctx, "Acme Corp"); err != nil {
		t.Fatal(err)
	}
	if f.prod, err = f.s.ProjectByName(ctx, f.org.ID, "Production"); err != nil {
		t.Fatal(err)
	}
	u, err := f.s.UserByEmail(ctx, DemoOwnerEmail)
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.s.UserPrincipal(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	f.owner = Actor{Principal: p, RemoteAddr: "192.0.2.1"}
	return f
}

// replica opens another store on the fixture's database with its own
// connections, as a second server process would, reading the same clock.
func (f *fixture) replica(t *testing.T) *Store {
	t.Helper()
	s := openTestStore(t, f.dsn)
	s.Now = func() time.Time { return f.clock }
	return s
}

func (f *fixture) events(t *testing.T, types ...EventType) []Event {
	t.Helper()
	evs, _, err := f.s.Events(context.Background(), f.owner.Principal, EventFilter{OrgID: f.org.ID, Types: types, PerPage: 100000})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestGrantReplaceRevokeExpire(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		res, err := f.s.GrantAccess(ctx, f.owner, GrantRequest{ProjectID: f.prod.ID, ClusterName: "orders-prod", Type: GrantInfrastructure})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := res.Grant.ExpiresAt.Time(), f.clock.Add(24*time.Hour); !got.Equal(want) {
			t.Fatalf("console grant expires %v, want %v", got, want)
		}
		if res.Cluster.Grant == nil || res.Cluster.Grant.ID != res.Grant.ID {
			t.Fatalf("cluster does not show the grant: %+v", res.Cluster.Grant)
		}
		f.clock = f.clock.Add(time.Hour)
		res2, err := f.s.GrantAccess(ctx, f.owner, GrantRequest{ProjectID: f.prod.ID, ClusterName: "orders-prod", Type: GrantDatabaseLogs})
		if err != nil {
			t.Fatal(err)
		}
		if res2.Replaced == nil || res2.Replaced.ID != res.Grant.ID {
			t.Fatalf("second grant did not replace the first: %+v", res2.Replaced)
		}
		var open int64
		f.s.DB.Model(&Grant{}).Where("closed_at = 0").Count(&open)
		if open != 1 {
			t.Fatalf("%d open grants, want 1", open)
		}
		ok, v, err := f.s.RevokeAccess(ctx, f.owner, f.prod.ID, "orders-prod")
		if err != nil || !ok || v.Grant != nil {
			t.Fatalf("revoke: %v %v %+v", ok, err, v.Grant)
		}
		ok, _, err = f.s.RevokeAccess(ctx, f.owner, f.prod.ID, "orders-prod")
		if err != nil || ok {
			t.Fatalf("second revoke: %v %v; want no change and no error", ok, err)
		}
		// A grant that runs out is recorded as expired exactly once.
		if _, err := f.s.GrantAccess(ctx, f.owner, GrantRequest{ProjectID: f.prod.ID, ClusterName: "analytics", Type: GrantInfrastructure, ExpiresAt: f.clock.Add(time.Minute)}); err != nil {
			t.Fatal(err)
		}
		f.clock = f.clock.Add(time.Minute)
		for i := 0; i < 3; i++ {
			if _, err := f.s.SweepExpired(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if n := len(f.events(t, EventExpired)); n != 1 {
			t.Fatalf("%d expired events, want 1", n)
		}
		kinds := map[EventType]int{}
		for _, e := range f.events(t) {
			kinds[e.Type]++
			if e.Type != EventExpired && (e.ActorName != DemoOwnerEmail || e.RemoteAddr != "192.0.2.1") {
				t.Errorf("event %s lacks actor or address: %+v", e.Type, e)
			}
		}
		want := map[EventType]int{EventGranted: 2, EventReplaced: 1, EventRevoked: 1, EventExpired: 1}
		for k, n := range want {
			if kinds[k] != n {
				t.Errorf("%s events: %d, want %d (all: %v)", k, kinds[k], n, kinds)
			}
		}
	})
}

func TestGrantRejectsBadRequestsAndStoresNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		cases := []struct {
			name  string
			req   GrantRequest
			code  string
			field string
		}{
			{"unknown type", GrantRequest{ClusterName: "orders-prod", Type: "EVERYTHING"}, EINVALID, "grantType"},
			{"sync without sync", GrantRequest{ClusterName: "analytics", Type: GrantInfrastructureSync}, EINVALID, "grantType"},
			{"past expiry", GrantRequest{ClusterName: "analytics", Type: GrantInfrastructure, ExpiresAt: f.clock.Add(-time.Second)}, EINVALID, "expirationTime"},
			{"now expiry", GrantRequest{ClusterName: "analytics", Type: GrantInfrastructure, ExpiresAt: f.clock}, EINVALID, "expirationTime"},
			{"over 24h", GrantRequest{ClusterName: "analytics", Type: GrantInfrastructure, ExpiresAt: f.clock.Add(24*time.Hour + time.Second)}, EINVALID, "expirationTime"},
			{"unknown cluster", GrantRequest{ClusterName: "nope", Type: GrantInfrastructure}, ENOTFOUND, ""},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				tc.req.ProjectID = f.prod.ID
				_, err := f.s.GrantAccess(ctx, f.owner, tc.req)
				if ErrorCode(err) != tc.code || ErrorField(err) != tc.field {
					t.Fatalf("got %v, want code %s field %q", err, tc.code, tc.field)
				}
				var n int64
				f.s.DB.Model(&Grant{}).Count(&n)
				if n != 0 {
					t.Fatalf("%d grants stored after a rejected request", n)
				}
				if evs := f.events(t); len(evs) != 0 {
					t.Fatalf("%d events after a rejected request", len(evs))
				}
			})
		}
	})
}

func TestRequestKeyGrantsOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		req := GrantRequest{ProjectID: f.prod.ID, ClusterName: "orders-prod", Type: GrantInfrastructure, RequestKey: "k1"}
		a, err := f.s.GrantAccess(ctx, f.owner, req)
		if err != nil {
			t.Fatal(err)
		}
		b, err := f.s.GrantAccess(ctx, f.owner, req)
		if err != nil {
			t.Fatal(err)
		}
		if !b.Repeated || b.Grant.ID != a.Grant.ID {
			t.Fatalf("repeated request made a new grant: %+v", b)
		}
		if n := len(f.events(t)); n != 1 {
			t.Fatalf("%d events, want 1", n)
		}
	})
}

// TestGrantRefusesAnOverlongRequestKey: a request key longer than any the
// console makes is refused with a clear error, and nothing is granted.
func TestGrantRefusesAnOverlongRequestKey(t *testing.T) {
	f := newFixture(t)
	_, err := f.s.GrantAccess(context.Background(), f.owner, GrantRequest{ProjectID: f.prod.ID, ClusterName: "analytics",
		Type: GrantInfrastructure, RequestKey: strings.Repeat("k", MaxRequestKey+1)})
	if ErrorCode(err) != EINVALID || ErrorField(err) != "requestKey" {
		t.Fatalf("got %v, want a requestKey field error", err)
	}
	var n int64
	f.s.DB.Model(&Grant{}).Count(&n)
	if n != 0 {
		t.Fatalf("%d grants stored", n)
	}
}

// TestListsRefuseAnotherOrganizationsProject: narrowing an organization's
// activity feed or Support Access Log to a project of another organization
// is "not found", even for someone who sees both organizations.
func TestListsRefuseAnotherOrganizationsProject(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	other, err := f.s.CreateOrg(ctx, "Other Org")
	if err != nil {
		t.Fatal(err)
	}
	otherProject, err := f.s.CreateProject(ctx, other.ID, "Other Project")
	if err != nil {
		t.Fatal(err)
	}
	both := Principal{OrgRoles: map[string]Role{f.org.ID: OrgOwner, other.ID: OrgOwner}}
	if _, _, err := f.s.Events(ctx, both, EventFilter{OrgID: f.org.ID, ProjectID: otherProject.ID}); ErrorCode(err) != ENOTFOUND {
		t.Errorf("events: got %v, want not found", err)
	}
	if _, _, err := f.s.AccessDecisions(ctx, both, DecisionFilter{OrgID: f.org.ID, ProjectID: otherProject.ID}); ErrorCode(err) != ENOTFOUND {
		t.Errorf("decisions: got %v, want not found", err)
	}
	if _, _, err := f.s.Events(ctx, both, EventFilter{OrgID: other.ID, ProjectID: otherProject.ID}); err != nil {
		t.Errorf("events of the project's own organization: %v", err)
	}
}
