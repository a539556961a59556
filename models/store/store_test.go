package store

import (
	"context"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"supportaccess/models/pgtest"

	"supportaccess/models"
)

// fixture is a store on a real database with the demo organization and a
// clock the test moves.
type fixture struct {
	s     *Store
	dsn   string
	opts  Options // of every store on the database
	clock time.Time
	org   models.Organization
	prod  models.Project
	owner models.Actor
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
	return openTestStoreWith(t, dsn, Options{})
}

// openTestStoreWith is openTestStore with options o.
func openTestStoreWith(t *testing.T, dsn string, o Options) *Store {
	t.Helper()
	s, err := OpenWith(dsn, o)
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
	return newFixtureWith(t, testDSN(t, b), Options{})
}

// newFixtureWith is a fixture on the fresh database at dsn, whose stores
// open with options o.
func newFixtureWith(t *testing.T, dsn string, o Options) *fixture {
	t.Helper()
	f := &fixture{dsn: dsn, opts: o, clock: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)}
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
	u, err := f.s.UserByEmail(ctx, models.DemoOwnerEmail)
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.s.UserPrincipal(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	f.owner = models.Actor{Principal: p, RemoteAddr: "192.0.2.1"}
	return f
}

// replica opens another store on the fixture's database with its own
// connections, as a second server process would, reading the same clock.
func (f *fixture) replica(t *testing.T) *Store {
	t.Helper()
	s := openTestStoreWith(t, f.dsn, f.opts)
	s.Now = func() time.Time { return f.clock }
	return s
}

func (f *fixture) events(t *testing.T, types ...models.EventType) []models.Event {
	t.Helper()
	evs, _, err := f.s.Events(context.Background(), f.owner.Principal, models.EventFilter{OrgID: f.org.ID, Types: types, PerPage: 100000})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestGrantReplaceRevokeExpire(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		res, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "orders-prod", Type: models.GrantInfrastructure})
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
		res2, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "orders-prod", Type: models.GrantDatabaseLogs})
		if err != nil {
			t.Fatal(err)
		}
		if res2.Replaced == nil || res2.Replaced.ID != res.Grant.ID {
			t.Fatalf("second grant did not replace the first: %+v", res2.Replaced)
		}
		var open int64
		if err := f.s.db.Model(&models.Grant{}).Where("closed_at = 0").Count(&open).Error; err != nil {
			t.Fatal(err)
		}
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
		if _, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "analytics", Type: models.GrantInfrastructure, ExpiresAt: f.clock.Add(time.Minute)}); err != nil {
			t.Fatal(err)
		}
		f.clock = f.clock.Add(time.Minute)
		for i := 0; i < 3; i++ {
			if _, err := f.s.SweepExpired(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if n := len(f.events(t, models.EventExpired)); n != 1 {
			t.Fatalf("%d expired events, want 1", n)
		}
		kinds := map[models.EventType]int{}
		for _, e := range f.events(t) {
			kinds[e.Type]++
			if e.Type != models.EventExpired && (e.ActorName != models.DemoOwnerEmail || e.RemoteAddr != "192.0.2.1") {
				t.Errorf("event %s lacks actor or address: %+v", e.Type, e)
			}
		}
		want := map[models.EventType]int{models.EventGranted: 2, models.EventReplaced: 1, models.EventRevoked: 1, models.EventExpired: 1}
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
			req   models.GrantRequest
			code  string
			field string
		}{
			{"unknown type", models.GrantRequest{ClusterName: "orders-prod", Type: "EVERYTHING"}, models.EINVALID, "grantType"},
			{"sync without sync", models.GrantRequest{ClusterName: "analytics", Type: models.GrantInfrastructureSync}, models.EINVALID, "grantType"},
			{"past expiry", models.GrantRequest{ClusterName: "analytics", Type: models.GrantInfrastructure, ExpiresAt: f.clock.Add(-time.Second)}, models.EINVALID, "expirationTime"},
			{"now expiry", models.GrantRequest{ClusterName: "analytics", Type: models.GrantInfrastructure, ExpiresAt: f.clock}, models.EINVALID, "expirationTime"},
			{"over 24h", models.GrantRequest{ClusterName: "analytics", Type: models.GrantInfrastructure, ExpiresAt: f.clock.Add(24*time.Hour + time.Second)}, models.EINVALID, "expirationTime"},
			{"unknown cluster", models.GrantRequest{ClusterName: "nope", Type: models.GrantInfrastructure}, models.ENOTFOUND, ""},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				tc.req.ProjectID = f.prod.ID
				_, err := f.s.GrantAccess(ctx, f.owner, tc.req)
				if models.ErrorCode(err) != tc.code || models.ErrorField(err) != tc.field {
					t.Fatalf("got %v, want code %s field %q", err, tc.code, tc.field)
				}
				var n int64
				if err := f.s.db.Model(&models.Grant{}).Count(&n).Error; err != nil {
					t.Fatal(err)
				}
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
		req := models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "orders-prod", Type: models.GrantInfrastructure, RequestKey: "k1"}
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
	_, err := f.s.GrantAccess(context.Background(), f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "analytics",
		Type: models.GrantInfrastructure, RequestKey: strings.Repeat("k", models.MaxRequestKey+1)})
	if models.ErrorCode(err) != models.EINVALID || models.ErrorField(err) != "requestKey" {
		t.Fatalf("got %v, want a requestKey field error", err)
	}
	var n int64
	if err := f.s.db.Model(&models.Grant{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
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
	both := models.Principal{OrgRoles: map[string]models.Role{f.org.ID: models.OrgOwner, other.ID: models.OrgOwner}}
	if _, _, err := f.s.Events(ctx, both, models.EventFilter{OrgID: f.org.ID, ProjectID: otherProject.ID}); models.ErrorCode(err) != models.ENOTFOUND {
		t.Errorf("events: got %v, want not found", err)
	}
	if _, _, err := f.s.AccessDecisions(ctx, both, models.DecisionFilter{OrgID: f.org.ID, ProjectID: otherProject.ID}); models.ErrorCode(err) != models.ENOTFOUND {
		t.Errorf("decisions: got %v, want not found", err)
	}
	if _, _, err := f.s.Events(ctx, both, models.EventFilter{OrgID: other.ID, ProjectID: otherProject.ID}); err != nil {
		t.Errorf("events of the project's own organization: %v", err)
	}
}

func TestResumeSessionReadsTheUserAndRoles(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		// A project role makes the user an Organization Member as well: a
		// role of each kind.
		u, err := f.s.CreateUser(ctx, "reader@acme.test", "correct horse battery", f.org.ID, models.ProjectReadOnly, f.prod.ID)
		if err != nil {
			t.Fatal(err)
		}
		want, err := f.s.UserPrincipal(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if want.OrgRoles[f.org.ID] != models.OrgMember || want.ProjectRoles[f.prod.ID] != models.ProjectReadOnly || len(want.OrgRoles) != 1 || len(want.ProjectRoles) != 1 {
			t.Fatalf("UserPrincipal: %+v", want)
		}
		ss, err := f.s.CreateSession(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, p, err := f.s.ResumeSession(ctx, ss.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got != ss {
			t.Fatalf("session %+v, want %+v", got, ss)
		}
		if p.Kind != models.ActorUser || p.ID != u.ID || p.Name != u.Email || !maps.Equal(p.OrgRoles, want.OrgRoles) || !maps.Equal(p.ProjectRoles, want.ProjectRoles) {
			t.Fatalf("principal %+v, want %+v", p, want)
		}
		// A user with no project role gets an empty map of them, not nil.
		_, owner, err := f.s.ResumeSession(ctx, mustSession(t, f, f.owner.ID).ID)
		if err != nil || owner.OrgRoles[f.org.ID] != models.OrgOwner || len(owner.ProjectRoles) != 0 || owner.ProjectRoles == nil {
			t.Fatalf("owner: %+v %v", owner, err)
		}
		for _, id := range []string{"", "no such session", strings.ToUpper(ss.ID), ss.ID + " "} {
			if _, p, err := f.s.ResumeSession(ctx, id); models.ErrorCode(err) != models.EUNAUTHORIZED || p.ID != "" {
				t.Errorf("session %q: %+v %v, want EUNAUTHORIZED", id, p, err)
			}
		}
	})
}

// mustSession starts a session for a user.
func mustSession(t *testing.T, f *fixture, userID string) models.Session {
	t.Helper()
	ss, err := f.s.CreateSession(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	return ss
}

func TestResumeSessionTouchesAndExpires(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		stored := func(id string) (models.Session, bool) {
			var ss []models.Session
			if err := f.s.db.Where("id = ?", models.SecretHash(id)).Find(&ss).Error; err != nil {
				t.Fatal(err)
			}
			if len(ss) == 0 {
				return models.Session{}, false
			}
			return ss[0], true
		}
		ss := mustSession(t, f, f.owner.ID)
		// Used within a minute: no write.
		f.clock = f.clock.Add(time.Minute)
		if got, _, err := f.s.ResumeSession(ctx, ss.ID); err != nil || got.LastSeen != ss.LastSeen {
			t.Fatalf("after a minute: %+v %v", got, err)
		}
		if row, _ := stored(ss.ID); row.LastSeen != ss.LastSeen {
			t.Fatalf("last seen written within a minute: %v", row.LastSeen.Time())
		}
		// Used after more than a minute: noted.
		f.clock = f.clock.Add(time.Second)
		got, _, err := f.s.ResumeSession(ctx, ss.ID)
		if err != nil || got.LastSeen != models.At(f.clock) {
			t.Fatalf("after a minute and a second: %+v %v", got, err)
		}
		if row, _ := stored(ss.ID); row.LastSeen != models.At(f.clock) {
			t.Fatalf("last seen %v, want %v", row.LastSeen.Time(), f.clock)
		}
		// Idle for the whole limit: refused and deleted.
		f.clock = f.clock.Add(models.SessionIdleTimeout)
		if _, p, err := f.s.ResumeSession(ctx, ss.ID); models.ErrorCode(err) != models.EUNAUTHORIZED || p.ID != "" {
			t.Fatalf("idle session: %+v %v", p, err)
		}
		if _, ok := stored(ss.ID); ok {
			t.Fatal("the idle session is still stored")
		}
		// Used every hour: refused and deleted at the absolute limit.
		busy := mustSession(t, f, f.owner.ID)
		start := f.clock
		for f.clock.Sub(start) < models.SessionAbsoluteTimeout-time.Hour {
			f.clock = f.clock.Add(time.Hour)
			if _, _, err := f.s.ResumeSession(ctx, busy.ID); err != nil {
				t.Fatalf("busy session after %v: %v", f.clock.Sub(start), err)
			}
		}
		f.clock = f.clock.Add(time.Hour)
		if _, _, err := f.s.ResumeSession(ctx, busy.ID); models.ErrorCode(err) != models.EUNAUTHORIZED {
			t.Fatalf("busy session at the absolute limit: %v", err)
		}
		if _, ok := stored(busy.ID); ok {
			t.Fatal("the session past its absolute limit is still stored")
		}
	})
}

func TestOrgsListsThePrincipalsOrganizationsByName(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		if orgs, err := f.s.Orgs(ctx, models.Principal{Kind: models.ActorUser}); err != nil || len(orgs) != 0 {
			t.Fatalf("no roles: %v %v", orgs, err)
		}
		one, err := f.s.Orgs(ctx, f.owner.Principal)
		if err != nil || len(one) != 1 || one[0] != f.org {
			t.Fatalf("one organization: %+v %v, want %+v", one, err, f.org)
		}
		p := models.Principal{Kind: models.ActorUser, OrgRoles: map[string]models.Role{f.org.ID: models.OrgOwner, "no such organization": models.OrgOwner}}
		for _, name := range []string{"Zeta", "Beta", "Alpha"} {
			o, err := f.s.CreateOrg(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			p.OrgRoles[o.ID] = models.OrgReadOnly
		}
		if _, err := f.s.CreateOrg(ctx, "Not a member"); err != nil {
			t.Fatal(err)
		}
		want := []string{"Acme Corp", "Alpha", "Beta", "Zeta"}
		orgs, err := f.s.Orgs(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, o := range orgs {
			got = append(got, o.Name)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("organizations %v, want %v", got, want)
		}
	})
}

func TestACopyOfTheSessionsTableHoldsNoLiveLogin(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		ss := mustSession(t, f, f.owner.ID)
		var rows []models.Session
		if err := f.s.db.Where("user_id = ?", f.owner.ID).Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].ID != models.SecretHash(ss.ID) {
			t.Fatalf("stored sessions %+v, want one keyed by the id's hash", rows)
		}
		// What a reader of the database sees is no bearer value.
		if _, p, err := f.s.ResumeSession(ctx, rows[0].ID); models.ErrorCode(err) != models.EUNAUTHORIZED || p.ID != "" {
			t.Fatalf("the stored key resumed a session: %+v %v", p, err)
		}
		if _, p, err := f.s.ResumeSession(ctx, ss.ID); err != nil || p.ID != f.owner.ID {
			t.Fatalf("the cookie's id: %+v %v", p, err)
		}
		if err := f.s.EndSession(ctx, ss.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.s.ResumeSession(ctx, ss.ID); models.ErrorCode(err) != models.EUNAUTHORIZED {
			t.Fatalf("after EndSession: %v", err)
		}
	})
}
