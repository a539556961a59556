package models

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// The pure rules, table by table: no database, every instant explicit.

var (
	ruleOrg      = "aaaaaaaaaaaaaaaaaaaaaaaa"
	otherOrg     = "bbbbbbbbbbbbbbbbbbbbbbbb"
	ruleProject  = Project{ID: "111111111111111111111111", OrgID: ruleOrg, Name: "Production"}
	siblingProj  = Project{ID: "222222222222222222222222", OrgID: ruleOrg, Name: "Staging"}
	foreignProj  = Project{ID: "333333333333333333333333", OrgID: otherOrg, Name: "Theirs"}
	ruleNow      = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	syncCluster  = Cluster{Name: "orders-prod", SyncEnabled: true}
	plainCluster = Cluster{Name: "analytics"}
)

// principalWith builds a user holding one role the way CreateUser stores
// it: a project role comes with Organization Member in the project's org.
func principalWith(role Role, orgID string, pr Project) Principal {
	p := Principal{Kind: ActorUser, ID: "u", Name: "u@test", OrgRoles: map[string]Role{}, ProjectRoles: map[string]Role{}}
	switch {
	case role == "":
	case role.IsOrgRole():
		p.OrgRoles[orgID] = role
	case role.IsProjectRole():
		p.OrgRoles[pr.OrgID] = OrgMember
		p.ProjectRoles[pr.ID] = role
	}
	return p
}

func TestRolesDecideWhoMayDoWhat(t *testing.T) {
	type want struct{ viewOrg, changeBlock, viewProject, manage, viewSibling, manageSibling bool }
	cases := []struct {
		name string
		p    Principal
		want want
	}{
		{"ORG_OWNER", principalWith(OrgOwner, ruleOrg, ruleProject), want{true, true, true, true, true, true}},
		{"ORG_MEMBER in no project", principalWith(OrgMember, ruleOrg, ruleProject), want{true, false, false, false, false, false}},
		{"ORG_READ_ONLY", principalWith(OrgReadOnly, ruleOrg, ruleProject), want{true, false, true, false, true, false}},
		{"GROUP_OWNER", principalWith(ProjectOwner, ruleOrg, ruleProject), want{true, false, true, true, false, false}},
		{"GROUP_SUPPORT_ACCESS_MANAGER", principalWith(ProjectSupportAccessManager, ruleOrg, ruleProject), want{true, false, true, true, false, false}},
		{"GROUP_READ_ONLY", principalWith(ProjectReadOnly, ruleOrg, ruleProject), want{true, false, true, false, false, false}},
		{"no role at all", principalWith("", ruleOrg, ruleProject), want{}},
		{"owner of another organization", principalWith(OrgOwner, otherOrg, foreignProj), want{}},
		{"project owner of another organization's project", principalWith(ProjectOwner, otherOrg, foreignProj), want{}},
		{"project role without organization membership", Principal{OrgRoles: map[string]Role{},
			ProjectRoles: map[string]Role{ruleProject.ID: ProjectOwner}}, want{}},
		{"nil role maps", Principal{}, want{}},
		{"system", System, want{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := want{
				viewOrg:       CanViewOrg(tc.p, ruleOrg),
				changeBlock:   CanChangeBlock(tc.p, ruleOrg),
				viewProject:   CanViewProject(tc.p, ruleProject),
				manage:        CanManageGrants(tc.p, ruleProject),
				viewSibling:   CanViewProject(tc.p, siblingProj),
				manageSibling: CanManageGrants(tc.p, siblingProj),
			}
			if got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			// Nobody in this organization reaches into another one.
			if tc.p.OrgRoles[otherOrg] == "" && (CanViewProject(tc.p, foreignProj) || CanManageGrants(tc.p, foreignProj)) {
				t.Fatalf("sees or manages another organization's project")
			}
			// authorizeProject turns the rules into 404 before 403.
			err := authorizeProject(tc.p, ruleProject, true)
			switch {
			case !tc.want.viewProject && ErrorCode(err) != ENOTFOUND:
				t.Fatalf("authorize hidden project: %v, want not found", err)
			case tc.want.viewProject && !tc.want.manage && ErrorCode(err) != EFORBIDDEN:
				t.Fatalf("authorize read-only project: %v, want forbidden", err)
			case tc.want.manage && err != nil:
				t.Fatalf("authorize managed project: %v", err)
			}
		})
	}
}

func TestValidateGrant(t *testing.T) {
	type tcase struct {
		name    string
		c       Cluster
		typ     GrantType
		expires time.Time
		field   string // "" means valid
	}
	var cases []tcase
	for _, typ := range GrantTypes {
		for _, c := range []Cluster{syncCluster, plainCluster} {
			field := ""
			if typ == GrantInfrastructureSync && !c.SyncEnabled {
				field = "grantType"
			}
			cases = append(cases, tcase{string(typ) + " on " + c.Name, c, typ, ruleNow.Add(GrantDuration), field})
		}
	}
	boundaries := []struct {
		name    string
		expires time.Time
		field   string
	}{
		{"expires now", ruleNow, "expirationTime"},
		{"expired a nanosecond ago", ruleNow.Add(-time.Nanosecond), "expirationTime"},
		{"expires in a nanosecond", ruleNow.Add(time.Nanosecond), ""},
		{"expires in exactly 24 hours", ruleNow.Add(24 * time.Hour), ""},
		{"expires in 24 hours and a nanosecond", ruleNow.Add(24*time.Hour + time.Nanosecond), "expirationTime"},
		{"no expiration", time.Time{}, "expirationTime"},
		{"same instant in another zone", ruleNow.In(time.FixedZone("X", 5*3600)).Add(time.Hour), ""},
	}
	for _, b := range boundaries {
		cases = append(cases, tcase{b.name, plainCluster, GrantInfrastructure, b.expires, b.field})
	}
	cases = append(cases,
		tcase{"unknown type", syncCluster, "EVERYTHING", ruleNow.Add(time.Hour), "grantType"},
		tcase{"empty type", syncCluster, "", ruleNow.Add(time.Hour), "grantType"},
		tcase{"lower-case type", syncCluster, "cluster_infrastructure", ruleNow.Add(time.Hour), "grantType"},
		tcase{"unknown type and no expiration", syncCluster, "X", time.Time{}, "grantType"},
	)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateGrant(tc.c, tc.typ, tc.expires, ruleNow)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			if ErrorCode(err) != EINVALID || ErrorField(err) != tc.field {
				t.Fatalf("got %v, want an invalid %s", err, tc.field)
			}
			if msg := ErrorMessage(err); len(msg) < 20 || strings.Contains(msg, "Internal") {
				t.Fatalf("message %q does not explain the problem", msg)
			}
		})
	}
}

func TestGrantActiveAndRemainingAtTheBoundary(t *testing.T) {
	expires := ruleNow.Add(time.Hour)
	open := Grant{ExpiresAt: At(expires)}
	closed := Grant{ExpiresAt: At(expires), ClosedAt: At(ruleNow.Add(-time.Minute))}
	cases := []struct {
		name   string
		g      Grant
		now    time.Time
		active bool
		left   time.Duration
	}{
		{"an hour before", open, ruleNow, true, time.Hour},
		{"a nanosecond before", open, expires.Add(-time.Nanosecond), true, time.Nanosecond},
		{"at expiry", open, expires, false, 0},
		{"a nanosecond after", open, expires.Add(time.Nanosecond), false, 0},
		{"a day after", open, expires.Add(24 * time.Hour), false, 0},
		{"revoked, before expiry", closed, ruleNow, false, 0},
		{"never set", Grant{}, ruleNow, false, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.g.Active(tc.now); got != tc.active {
				t.Fatalf("Active = %v, want %v", got, tc.active)
			}
			if got := tc.g.Remaining(tc.now); got != tc.left {
				t.Fatalf("Remaining = %v, want %v", got, tc.left)
			}
		})
	}
}

func TestGrantTypesFor(t *testing.T) {
	if got := GrantTypesFor(syncCluster); !slices.Equal(got, []GrantType{GrantInfrastructure, GrantDatabaseLogs, GrantInfrastructureSync}) {
		t.Fatalf("sync cluster: %v", got)
	}
	if got := GrantTypesFor(plainCluster); !slices.Equal(got, []GrantType{GrantInfrastructure, GrantDatabaseLogs}) {
		t.Fatalf("cluster without sync: %v", got)
	}
	// A caller that appends to or edits the answer must not change the
	// choices every later caller sees.
	_ = append(GrantTypesFor(plainCluster), "X")
	GrantTypesFor(syncCluster)[0] = "Y"
	if !slices.Equal(GrantTypes, []GrantType{GrantInfrastructure, GrantDatabaseLogs, GrantInfrastructureSync}) {
		t.Fatalf("GrantTypes changed through GrantTypesFor: %v", GrantTypes)
	}
	for _, typ := range GrantTypes {
		if !typ.Valid() || typ.Label() == string(typ) || typ.Short() == string(typ) {
			t.Errorf("%s lacks a label", typ)
		}
	}
}

func TestParseRole(t *testing.T) {
	for _, r := range []Role{OrgOwner, OrgMember, OrgReadOnly, ProjectOwner, ProjectSupportAccessManager, ProjectReadOnly} {
		got, err := ParseRole(string(r))
		if err != nil || got != r {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, err)
		}
		if r.IsOrgRole() == r.IsProjectRole() {
			t.Errorf("%s is both or neither an organization and a project role", r)
		}
	}
	for _, s := range []string{"", "org_owner", "ORG_OWNER ", "ADMIN", "GROUP_DATA_ACCESS_ADMIN", "Organization Owner"} {
		got, err := ParseRole(s)
		if err == nil || got != "" || ErrorField(err) != "role" || !strings.Contains(ErrorMessage(err), "ORG_OWNER") {
			t.Errorf("ParseRole(%q) = %q, %v; want an error naming the roles", s, got, err)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	cases := []struct{ in, want string }{
		{"owner@acme.test", "owner@acme.test"},
		{"  Owner@ACME.Test\n", "owner@acme.test"},
		{"first.last+tag@example.com", "first.last+tag@example.com"},
		{"", ""},
		{"owner", ""},
		{"@acme.test", ""},
		{"owner@", ""},
		{"Owner <owner@acme.test>", ""},
		{"a@b.test, c@d.test", ""},
		{"own er@acme.test", ""},
	}
	for _, tc := range cases {
		got, err := NormalizeEmail(tc.in)
		if tc.want == "" {
			if err == nil || ErrorField(err) != "email" {
				t.Errorf("NormalizeEmail(%q) = %q, %v; want an email error", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestPasswordHashAndCheck(t *testing.T) {
	const pw = "correct horse battery"
	h := HashPassword(pw)
	if !strings.HasPrefix(h, "$argon2id$") || strings.Contains(h, pw) {
		t.Fatalf("hash %q is not an argon2id hash", h)
	}
	if h2 := HashPassword(pw); h2 == h {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	parts := strings.Split(h, "$")
	cases := []struct {
		name     string
		hash, pw string
		ok       bool
	}{
		{"right password", h, pw, true},
		{"wrong password", h, pw + "!", false},
		{"empty password", h, "", false},
		{"different case", h, strings.ToUpper(pw), false},
		{"empty hash", "", pw, false},
		{"plain text stored", pw, pw, false},
		{"another algorithm", strings.Replace(h, "argon2id", "argon2i", 1), pw, false},
		{"missing key", strings.Join(parts[:5], "$"), pw, false},
		{"empty key", strings.Join(append(parts[:5:5], ""), "$"), pw, false},
		{"bad base64 salt", strings.Join([]string{"", parts[1], parts[2], parts[3], "!!!", parts[5]}, "$"), pw, false},
		{"bad parameters", strings.Join([]string{"", parts[1], parts[2], "m=x,t=y,p=z", parts[4], parts[5]}, "$"), pw, false},
		{"zero lanes", strings.Join([]string{"", parts[1], parts[2], "m=19456,t=2,p=0", parts[4], parts[5]}, "$"), pw, false},
		{"zero passes", strings.Join([]string{"", parts[1], parts[2], "m=19456,t=0,p=1", parts[4], parts[5]}, "$"), pw, false},
		{"extra field", h + "$x", pw, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := CheckPassword(tc.hash, tc.pw); got != tc.ok {
				t.Fatalf("CheckPassword = %v, want %v", got, tc.ok)
			}
		})
	}
}

func TestSessionExpiredAtTheLimits(t *testing.T) {
	start := At(ruleNow)
	cases := []struct {
		name     string
		lastSeen time.Duration // after start
		now      time.Duration // after start
		expired  bool
	}{
		{"just used", 0, 0, false},
		{"idle a nanosecond short of the limit", 0, SessionIdleTimeout - time.Nanosecond, false},
		{"idle exactly the limit", 0, SessionIdleTimeout, true},
		{"kept busy, short of the absolute limit", SessionAbsoluteTimeout - time.Minute, SessionAbsoluteTimeout - time.Nanosecond, false},
		{"kept busy, at the absolute limit", SessionAbsoluteTimeout - time.Minute, SessionAbsoluteTimeout, true},
	}
	for _, tc := range cases {
		ss := Session{CreatedAt: start, LastSeen: At(ruleNow.Add(tc.lastSeen))}
		if got := SessionExpired(ss, ruleNow.Add(tc.now)); got != tc.expired {
			t.Errorf("%s: expired = %v, want %v", tc.name, got, tc.expired)
		}
	}
}

func TestOnlyAMemberSeesSomeProjects(t *testing.T) {
	for role, want := range map[Role]bool{OrgOwner: true, OrgReadOnly: true, OrgMember: false} {
		p := Principal{OrgRoles: map[string]Role{"org": role}}
		if got := SeesEveryProject(p, "org"); got != want {
			t.Errorf("%s sees every project: %v, want %v", role, got, want)
		}
	}
}
