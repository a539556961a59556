package store

import (
	"context"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"supportaccess/models"
)

// requestFixture is a fixture with a support employee and a second
// approver (a Project Support Access Manager of Production).
func requestFixture(t *testing.T, f *fixture) (models.SupportStaff, models.Actor) {
	t.Helper()
	ctx := context.Background()
	st, _, err := f.s.CreateSupportStaff(ctx, "tse@provider.test", time.Hour*48)
	if err != nil {
		t.Fatal(err)
	}
	u, err := f.s.CreateUser(ctx, "manager@acme.test", "a long enough password", f.org.ID, models.ProjectSupportAccessManager, f.prod.ID)
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.s.UserPrincipal(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	return st, models.Actor{Principal: p, RemoteAddr: "192.0.2.2"}
}

func fileRequest(t *testing.T, f *fixture, st models.SupportStaff, typ models.GrantType, hours int) models.SupportAccessRequest {
	t.Helper()
	r, err := f.s.CreateRequest(context.Background(), st, models.RequestInput{ProjectID: f.prod.ID, ClusterName: "orders-prod",
		GrantType: typ, DurationHours: hours, CaseNumber: "01234567", Justification: "replica lag"})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRequestApprovedGrantsLinkedToIt(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		st, manager := requestFixture(t, f)
		r := fileRequest(t, f, st, models.GrantInfrastructureSync, 6)
		if l, _, err := f.s.Requests(ctx, f.owner.Principal, models.RequestFilter{OrgID: f.org.ID, Status: models.RequestPending}); err != nil || len(l) != 1 || l[0].ID != r.ID {
			t.Fatalf("pending requests: %+v, %v", l, err)
		}
		f.clock = f.clock.Add(time.Hour)
		got, res, err := f.s.ApproveRequest(ctx, manager, f.prod.ID, r.ID, models.Approval{GrantType: models.GrantInfrastructure, DurationHours: 4})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != models.RequestApproved || got.GrantID == "" || res == nil || res.Grant.RequestID != r.ID ||
			res.Grant.Type != models.GrantInfrastructure || !res.Grant.ExpiresAt.Time().Equal(f.clock.Add(4*time.Hour)) {
			t.Fatalf("approved %+v with grant %+v", got, res)
		}
		// The grant in force names the request, and so does a decision under it.
		d, err := f.s.DecideAccess(ctx, st, models.AccessRequest{ProjectID: f.prod.ID, ClusterName: "orders-prod", Scope: string(models.ScopeInfrastructure), CaseNumber: "01234567"})
		if err != nil || !d.Allowed || d.GrantID != got.GrantID || d.RequestID != r.ID {
			t.Fatalf("decision under the approved grant: %+v, %v", d, err)
		}
		byGrant, err := f.s.RequestsForGrants(ctx, f.org.ID, []string{got.GrantID})
		if err != nil || byGrant[got.GrantID].CaseNumber != "01234567" {
			t.Fatalf("request of the grant: %+v, %v", byGrant, err)
		}
		for _, bad := range []func() error{
			func() error {
				_, _, err := f.s.ApproveRequest(ctx, f.owner, f.prod.ID, r.ID, models.Approval{})
				return err
			},
			func() error { _, err := f.s.DenyRequest(ctx, f.owner, f.prod.ID, r.ID, "late"); return err },
			func() error { _, err := f.s.CancelRequest(ctx, st, r.ID, ""); return err },
		} {
			if err := bad(); models.ErrorCode(err) != models.ECONFLICT {
				t.Errorf("acting on an approved request: %v, want %s", err, models.ECONFLICT)
			}
		}
		want := map[models.EventType]int{models.EventRequestCreated: 1, models.EventRequestApproved: 1, models.EventGranted: 1}
		for typ, n := range want {
			if got := len(f.events(t, typ)); got != n {
				t.Errorf("%d %s events, want %d", got, typ, n)
			}
		}
	})
}

func TestRequestBadInputChangesNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		st, manager := requestFixture(t, f)
		staging, err := f.s.ProjectByName(ctx, f.org.ID, "Staging")
		if err != nil {
			t.Fatal(err)
		}
		in := func(edit func(*models.RequestInput)) models.RequestInput {
			r := models.RequestInput{ProjectID: f.prod.ID, ClusterName: "orders-prod", GrantType: models.GrantInfrastructure, DurationHours: 2, CaseNumber: "1"}
			edit(&r)
			return r
		}
		cases := []struct {
			name string
			in   models.RequestInput
			code string
		}{
			{"unknown cluster", in(func(r *models.RequestInput) { r.ClusterName = "nope" }), models.ENOTFOUND},
			{"a cluster of another project", in(func(r *models.RequestInput) { r.ProjectID = staging.ID }), models.ENOTFOUND},
			{"unknown project", in(func(r *models.RequestInput) { r.ProjectID = "ffffffffffffffffffffffff" }), models.ENOTFOUND},
			{"sync on a cluster without it", in(func(r *models.RequestInput) { r.ClusterName, r.GrantType = "analytics", models.GrantInfrastructureSync }), models.EINVALID},
			{"too long", in(func(r *models.RequestInput) { r.DurationHours = 25 }), models.EINVALID},
			{"no case number", in(func(r *models.RequestInput) { r.CaseNumber = "" }), models.EINVALID},
		}
		for _, tc := range cases {
			if _, err := f.s.CreateRequest(ctx, st, tc.in); models.ErrorCode(err) != tc.code {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
			}
		}
		if l, n, err := f.s.Requests(ctx, f.owner.Principal, models.RequestFilter{OrgID: f.org.ID}); err != nil || n != 0 || len(l) != 0 {
			t.Fatalf("refused requests were stored: %d %v", n, err)
		}
		r := fileRequest(t, f, st, models.GrantDatabaseLogs, 2)
		if _, err := f.s.CancelRequest(ctx, st, r.ID, "198.51.100.1"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.s.ApproveRequest(ctx, manager, f.prod.ID, r.ID, models.Approval{}); models.ErrorCode(err) != models.ECONFLICT {
			t.Errorf("approving a cancelled request: %v", err)
		}
		lapsing := fileRequest(t, f, st, models.GrantDatabaseLogs, 2)
		f.clock = f.clock.Add(models.RequestLapse)
		if _, _, err := f.s.ApproveRequest(ctx, manager, f.prod.ID, lapsing.ID, models.Approval{}); models.ErrorCode(err) != models.ECONFLICT {
			t.Errorf("approving a lapsed request: %v", err)
		}
		if _, _, err := f.s.ApproveRequest(ctx, manager, staging.ID, lapsing.ID, models.Approval{}); models.ErrorCode(err) != models.ENOTFOUND {
			t.Errorf("approving through another project: %v", err)
		}
		if n := len(f.events(t, models.EventGranted)); n != 0 {
			t.Errorf("%d grants after refusals", n)
		}
		// Lapses are recorded once, however many replicas sweep.
		other := f.replica(t)
		var swept atomic.Int64
		errs := runTogether(4, func(i int) error {
			s := f.s
			if i%2 == 1 {
				s = other
			}
			n, err := s.SweepLapsedRequests(ctx)
			swept.Add(int64(n))
			return err
		})
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if swept.Load() != 1 || len(f.events(t, models.EventRequestExpired)) != 1 {
			t.Errorf("swept %d, %d lapse events; want 1 and 1", swept.Load(), len(f.events(t, models.EventRequestExpired)))
		}
		got, err := f.s.Request(ctx, lapsing.ID)
		if err != nil || got.Status != models.RequestExpired {
			t.Errorf("after the sweep: %+v, %v", got, err)
		}
	})
}

func TestTwoApproversAtOnceGrantOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		st, manager := requestFixture(t, f)
		r := fileRequest(t, f, st, models.GrantInfrastructure, 3)
		other := f.replica(t)
		var approved, refused atomic.Int64
		errs := runTogether(6, func(i int) error {
			s, a := f.s, f.owner
			if i%2 == 1 {
				s, a = other, manager
			}
			_, _, err := s.ApproveRequest(ctx, a, f.prod.ID, r.ID, models.Approval{})
			switch models.ErrorCode(err) {
			case "":
				approved.Add(1)
			case models.ECONFLICT:
				refused.Add(1)
			default:
				return err
			}
			return nil
		})
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if approved.Load() != 1 || refused.Load() != 5 {
			t.Fatalf("%d approvals went through, %d refused; want 1 and 5", approved.Load(), refused.Load())
		}
		if g, a := len(f.events(t, models.EventGranted, models.EventReplaced)), len(f.events(t, models.EventRequestApproved)); g != 1 || a != 1 {
			t.Fatalf("%d grant events, %d approval events; want one each", g, a)
		}
	})
}

func TestPolicyAppliesToEveryGrant(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		st, manager := requestFixture(t, f)
		if _, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "analytics", Type: models.GrantInfrastructure}); err != nil {
			t.Fatal(err)
		}
		two, yes := 2, true
		if _, err := f.s.SetSupportAccessPolicy(ctx, manager, f.org.ID, PolicyChange{MaxGrantHours: &two}); models.ErrorCode(err) != models.EFORBIDDEN {
			t.Fatalf("a manager changed the policy: %v", err)
		}
		p, err := f.s.SetSupportAccessPolicy(ctx, f.owner, f.org.ID, PolicyChange{MaxGrantHours: &two, RequireRequest: &yes,
			AllowedTypes: []models.GrantType{models.GrantInfrastructureSync, models.GrantInfrastructure}})
		if err != nil || p.MaxGrantHours != 2 || !p.RequireRequest || p.RetentionDays != 400 || len(p.AllowedTypes) != 2 || p.AllowedTypes[0] != models.GrantInfrastructure {
			t.Fatalf("policy %+v, %v", p, err)
		}
		// The grant in force no longer outlives the maximum.
		l, err := f.s.ClusterList(ctx, f.owner.Principal, f.prod.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range l.Clusters {
			if c.Name == "analytics" && (c.Grant == nil || !c.Grant.ExpiresAt.Time().Equal(f.clock.Add(2*time.Hour))) {
				t.Fatalf("analytics grant after tightening: %+v", c.Grant)
			}
		}
		// A direct grant by a non-owner is refused; an owner's console grant lasts the maximum.
		if _, err := f.s.GrantAccess(ctx, manager, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "orders-prod", Type: models.GrantInfrastructure}); models.ErrorCode(err) != models.EFORBIDDEN {
			t.Fatalf("manager's direct grant under require-a-request: %v", err)
		}
		if _, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "orders-prod", Type: models.GrantDatabaseLogs}); models.ErrorCode(err) != models.EINVALID {
			t.Fatalf("a type the policy does not allow: %v", err)
		}
		res, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "orders-prod", Type: models.GrantInfrastructure})
		if err != nil || !res.Grant.ExpiresAt.Time().Equal(f.clock.Add(2*time.Hour)) {
			t.Fatalf("owner's grant: %+v, %v", res.Grant, err)
		}
		// Granting the same type again extends in place.
		f.clock = f.clock.Add(time.Hour)
		ext, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "orders-prod", Type: models.GrantInfrastructure})
		if err != nil || !ext.Extended || ext.Grant.ID != res.Grant.ID || !ext.Grant.ExpiresAt.Time().Equal(f.clock.Add(2*time.Hour)) {
			t.Fatalf("extension: %+v, %v", ext, err)
		}
		if n := len(f.events(t, models.EventExtended)); n != 1 {
			t.Errorf("%d extension events, want 1", n)
		}
		// An approval through the manager is the way in, within the policy.
		r, err := f.s.CreateRequest(ctx, st, models.RequestInput{ProjectID: f.prod.ID, ClusterName: "analytics", GrantType: models.GrantInfrastructure, DurationHours: 3, CaseNumber: "9"})
		if models.ErrorCode(err) != models.EINVALID || r.ID != "" {
			t.Fatalf("a request above the maximum: %+v, %v", r, err)
		}
		r = fileRequest(t, f, st, models.GrantInfrastructure, 2)
		if _, _, err := f.s.ApproveRequest(ctx, manager, f.prod.ID, r.ID, models.Approval{}); err != nil {
			t.Fatalf("manager's approval under require-a-request: %v", err)
		}
		if n := len(f.events(t, models.EventPolicyChanged)); n != 1 {
			t.Errorf("%d policy events, want 1", n)
		}
	})
}

func TestSecondApproverForSyncData(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		st, manager := requestFixture(t, f)
		yes := true
		if _, err := f.s.SetSupportAccessPolicy(ctx, f.owner, f.org.ID, PolicyChange{SecondApproverForSyncData: &yes}); err != nil {
			t.Fatal(err)
		}
		r := fileRequest(t, f, st, models.GrantInfrastructureSync, 2)
		first, res, err := f.s.ApproveRequest(ctx, manager, f.prod.ID, r.ID, models.Approval{})
		if err != nil || res != nil || first.Status != models.RequestPending || first.FirstApprover != manager.Name {
			t.Fatalf("first approval: %+v %+v %v", first, res, err)
		}
		if _, _, err := f.s.ApproveRequest(ctx, manager, f.prod.ID, r.ID, models.Approval{}); models.ErrorCode(err) != models.EFORBIDDEN {
			t.Fatalf("the first approver approving again: %v", err)
		}
		done, res, err := f.s.ApproveRequest(ctx, f.owner, f.prod.ID, r.ID, models.Approval{})
		if err != nil || res == nil || done.Status != models.RequestApproved || res.Grant.Type != models.GrantInfrastructureSync {
			t.Fatalf("second approval: %+v %+v %v", done, res, err)
		}
		if n := len(f.events(t, models.EventRequestFirstApproval)); n != 1 {
			t.Errorf("%d first-approval events, want 1", n)
		}
	})
}

// The sidebar's count of requests waiting: those p may see, pending and
// not lapsed, on both databases.
func TestPendingRequestCountIsWhatWaits(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		st, manager := requestFixture(t, f)
		u, err := f.s.CreateUser(ctx, "member@acme.test", "a long enough password", f.org.ID, models.OrgMember, "")
		if err != nil {
			t.Fatal(err)
		}
		member, err := f.s.UserPrincipal(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		want := func(p models.Principal, n int64) {
			t.Helper()
			if got, err := f.s.PendingRequestCount(ctx, p, f.org.ID); err != nil || got != n {
				t.Fatalf("pending count %d, %v; want %d", got, err, n)
			}
			// The navigation's one statement counts the same, beside the
			// same projects.
			projects, got, err := f.s.OrgNav(ctx, p, f.org.ID)
			if err != nil || got != n {
				t.Fatalf("navigation's pending count %d, %v; want %d", got, err, n)
			}
			if alone, err := f.s.Projects(ctx, p, f.org.ID); err != nil || !reflect.DeepEqual(projects, alone) {
				t.Fatalf("navigation's projects %+v, want %+v (%v)", projects, alone, err)
			}
		}
		want(f.owner.Principal, 0)
		r := fileRequest(t, f, st, models.GrantInfrastructure, 2)
		want(f.owner.Principal, 1)
		want(manager.Principal, 1)
		want(member, 0) // a member of no project sees none of its requests
		if _, _, err := f.s.ApproveRequest(ctx, manager, f.prod.ID, r.ID, models.Approval{}); err != nil {
			t.Fatal(err)
		}
		want(f.owner.Principal, 0)
		fileRequest(t, f, st, models.GrantInfrastructure, 2)
		want(f.owner.Principal, 1)
		f.clock = f.clock.Add(models.RequestLapse)
		want(f.owner.Principal, 0) // lapsed, before any sweep records it
		if _, err := f.s.PendingRequestCount(ctx, f.owner.Principal, "000000000000000000000000"); models.ErrorCode(err) != models.ENOTFOUND {
			t.Errorf("another organization: %v", err)
		}
		if _, _, err := f.s.OrgNav(ctx, f.owner.Principal, "000000000000000000000000"); models.ErrorCode(err) != models.ENOTFOUND {
			t.Errorf("another organization's navigation: %v", err)
		}
	})
}
