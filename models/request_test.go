package models

import (
	"strings"
	"testing"
	"time"
)

var reqStaff = SupportStaff{ID: "s1", Email: "tse@provider.test"}

// pendingRequest is a request filed at ruleNow for typ and hours on the
// sync-enabled cluster of ruleProject.
func pendingRequest(t *testing.T, typ GrantType, hours int) SupportAccessRequest {
	t.Helper()
	c := syncCluster
	c.ID, c.ProjectID = "c1", ruleProject.ID
	r, err := NewRequest(reqStaff, c, ruleOrg, DefaultPolicy(ruleOrg), RequestInput{GrantType: typ, DurationHours: hours, CaseNumber: " 01234567 ", Justification: "slow queries"}, ruleNow)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestNewRequestChecksWhatSupportAsks(t *testing.T) {
	strict := DefaultPolicy(ruleOrg)
	strict.MaxGrantHours, strict.AllowedTypes = 4, []GrantType{GrantDatabaseLogs}
	cases := []struct {
		name    string
		c       Cluster
		policy  SupportAccessPolicy
		in      RequestInput
		field   string // of the error; "" for a filed request
		message string
	}{
		{"filed", syncCluster, DefaultPolicy(ruleOrg), RequestInput{GrantType: GrantInfrastructureSync, DurationHours: 24, CaseNumber: "1"}, "", ""},
		{"unknown type", syncCluster, DefaultPolicy(ruleOrg), RequestInput{GrantType: "ROOT", DurationHours: 2, CaseNumber: "1"}, "grantType", "Unknown grant type"},
		{"sync on a cluster without sync", plainCluster, DefaultPolicy(ruleOrg), RequestInput{GrantType: GrantInfrastructureSync, DurationHours: 2, CaseNumber: "1"}, "grantType", "does not have App Services sync"},
		{"type the policy refuses", syncCluster, strict, RequestInput{GrantType: GrantInfrastructure, DurationHours: 2, CaseNumber: "1"}, "grantType", "policy does not allow"},
		{"longer than the policy", syncCluster, strict, RequestInput{GrantType: GrantDatabaseLogs, DurationHours: 5, CaseNumber: "1"}, "durationHours", "from 1 to 4"},
		{"no duration", syncCluster, DefaultPolicy(ruleOrg), RequestInput{GrantType: GrantDatabaseLogs, CaseNumber: "1"}, "durationHours", "from 1 to 24"},
		{"missing case number", syncCluster, DefaultPolicy(ruleOrg), RequestInput{GrantType: GrantDatabaseLogs, DurationHours: 2, CaseNumber: "  "}, "caseNumber", "required"},
		{"case number with a control character", syncCluster, DefaultPolicy(ruleOrg), RequestInput{GrantType: GrantDatabaseLogs, DurationHours: 2, CaseNumber: "1\n2"}, "caseNumber", "printable"},
		{"long justification", syncCluster, DefaultPolicy(ruleOrg), RequestInput{GrantType: GrantDatabaseLogs, DurationHours: 2, CaseNumber: "1", Justification: strings.Repeat("x", 2001)}, "justification", "2000"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewRequest(reqStaff, tc.c, ruleOrg, tc.policy, tc.in, ruleNow)
			if tc.field == "" {
				if err != nil || r.Status != RequestPending || !r.LapsesAt.Time().Equal(ruleNow.Add(RequestLapse)) || r.StaffEmail != reqStaff.Email {
					t.Fatalf("NewRequest = %+v, %v; want a pending request lapsing in 12 hours", r, err)
				}
				return
			}
			if ErrorCode(err) != EINVALID || ErrorField(err) != tc.field || !strings.Contains(ErrorMessage(err), tc.message) {
				t.Fatalf("NewRequest error = %v; want %s about %s saying %q", err, EINVALID, tc.field, tc.message)
			}
		})
	}
}

func TestRequestLapsesAtTwelveHours(t *testing.T) {
	r := pendingRequest(t, GrantInfrastructure, 4)
	if r.CaseNumber != "01234567" {
		t.Errorf("case number kept as %q, want it trimmed", r.CaseNumber)
	}
	before, at := ruleNow.Add(RequestLapse-time.Nanosecond), ruleNow.Add(RequestLapse)
	if r.StatusAt(before) != RequestPending || Lapse(r, before) {
		t.Errorf("a nanosecond before 12 hours: %s, due %v; want pending", r.StatusAt(before), Lapse(r, before))
	}
	if r.StatusAt(at) != RequestExpired || !Lapse(r, at) {
		t.Errorf("at 12 hours: %s, due %v; want lapsed and due", r.StatusAt(at), Lapse(r, at))
	}
	r.Status = RequestExpired
	if Lapse(r, at) {
		t.Error("a request recorded as lapsed is due again")
	}
	if _, err := Approve(r, principalWith(OrgOwner, ruleOrg, ruleProject), ruleProject, DefaultPolicy(ruleOrg), Approval{}, at); ErrorCode(err) != ECONFLICT {
		t.Errorf("approving a lapsed request: %v, want %s", err, ECONFLICT)
	}
}

func TestApproveWhoAndHowFar(t *testing.T) {
	owner := principalWith(OrgOwner, ruleOrg, ruleProject)
	manager := principalWith(ProjectSupportAccessManager, ruleOrg, ruleProject)
	manager.ID = "m"
	second := DefaultPolicy(ruleOrg)
	second.SecondApproverForSyncData = true
	short := DefaultPolicy(ruleOrg)
	short.MaxGrantHours = 2
	cases := []struct {
		name     string
		who      Principal
		typ      GrantType
		hours    int
		ap       Approval
		policy   SupportAccessPolicy
		first    string // FirstApproverID already recorded
		code     string // "" for an approval
		wantType GrantType
		wantDur  time.Duration
		wantOne  bool // records the first of two approvals
	}{
		{"owner approves as asked", owner, GrantInfrastructure, 4, Approval{}, DefaultPolicy(ruleOrg), "", "", GrantInfrastructure, 4 * time.Hour, false},
		{"manager narrows sync to infrastructure", manager, GrantInfrastructureSync, 4, Approval{GrantType: GrantInfrastructure}, DefaultPolicy(ruleOrg), "", "", GrantInfrastructure, 4 * time.Hour, false},
		{"infrastructure narrowed to database logs", manager, GrantInfrastructure, 4, Approval{GrantType: GrantDatabaseLogs, DurationHours: 1}, DefaultPolicy(ruleOrg), "", "", GrantDatabaseLogs, time.Hour, false},
		{"widening the type", manager, GrantDatabaseLogs, 4, Approval{GrantType: GrantInfrastructure}, DefaultPolicy(ruleOrg), "", EINVALID, "", 0, false},
		{"lengthening the duration", manager, GrantDatabaseLogs, 4, Approval{DurationHours: 5}, DefaultPolicy(ruleOrg), "", EINVALID, "", 0, false},
		{"unknown type", manager, GrantDatabaseLogs, 4, Approval{GrantType: "ROOT"}, DefaultPolicy(ruleOrg), "", EINVALID, "", 0, false},
		{"above a policy tightened since", owner, GrantDatabaseLogs, 4, Approval{}, short, "", EINVALID, "", 0, false},
		{"shortened within a tightened policy", owner, GrantDatabaseLogs, 4, Approval{DurationHours: 2}, short, "", "", GrantDatabaseLogs, 2 * time.Hour, false},
		{"read only may not", principalWith(ProjectReadOnly, ruleOrg, ruleProject), GrantDatabaseLogs, 4, Approval{}, DefaultPolicy(ruleOrg), "", EFORBIDDEN, "", 0, false},
		{"org member outside the project sees nothing", principalWith(OrgMember, ruleOrg, ruleProject), GrantDatabaseLogs, 4, Approval{}, DefaultPolicy(ruleOrg), "", ENOTFOUND, "", 0, false},
		{"sync with a second approver: the first approval", manager, GrantInfrastructureSync, 4, Approval{}, second, "", "", GrantInfrastructureSync, 4 * time.Hour, true},
		{"sync with a second approver: the first again", manager, GrantInfrastructureSync, 4, Approval{}, second, ApproverKey(manager), EFORBIDDEN, "", 0, false},
		{"sync with a second approver: another person", owner, GrantInfrastructureSync, 4, Approval{}, second, ApproverKey(manager), "", GrantInfrastructureSync, 4 * time.Hour, false},
		{"second approver policy, narrowed below sync: one approval", manager, GrantInfrastructureSync, 4, Approval{GrantType: GrantInfrastructure}, second, "", "", GrantInfrastructure, 4 * time.Hour, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := pendingRequest(t, tc.typ, tc.hours)
			r.FirstApproverID = tc.first
			out, err := Approve(r, tc.who, ruleProject, tc.policy, tc.ap, ruleNow.Add(time.Hour))
			if ErrorCode(err) != tc.code {
				t.Fatalf("Approve error = %v, want code %q", err, tc.code)
			}
			if tc.code != "" {
				return
			}
			if out.Type != tc.wantType || out.Duration != tc.wantDur || out.First != tc.wantOne {
				t.Fatalf("Approve = %+v, want %s for %v (first of two: %v)", out, tc.wantType, tc.wantDur, tc.wantOne)
			}
		})
	}
}

func TestDenyAndCancelOnlyWhilePending(t *testing.T) {
	owner := principalWith(OrgOwner, ruleOrg, ruleProject)
	r := pendingRequest(t, GrantDatabaseLogs, 2)
	if _, err := Deny(r, owner, ruleProject, "  ", ruleNow); ErrorField(err) != "reason" {
		t.Errorf("deny without a reason: %v, want an error about reason", err)
	}
	if got, err := Deny(r, owner, ruleProject, " not for this case ", ruleNow); err != nil || got != "not for this case" {
		t.Errorf("deny = %q, %v", got, err)
	}
	if _, err := Deny(r, principalWith(ProjectReadOnly, ruleOrg, ruleProject), ruleProject, "no", ruleNow); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("read-only deny: %v, want %s", err, EFORBIDDEN)
	}
	if err := Cancel(r, reqStaff, ruleNow); err != nil {
		t.Errorf("cancel pending: %v", err)
	}
	for _, s := range []RequestStatus{RequestApproved, RequestDenied, RequestCancelled, RequestExpired} {
		done := r
		done.Status = s
		if err := Cancel(done, reqStaff, ruleNow); ErrorCode(err) != ECONFLICT {
			t.Errorf("cancel %s: %v, want %s", s, err, ECONFLICT)
		}
		if _, err := Deny(done, owner, ruleProject, "no", ruleNow); ErrorCode(err) != ECONFLICT {
			t.Errorf("deny %s: %v, want %s", s, err, ECONFLICT)
		}
		if _, err := Approve(done, owner, ruleProject, DefaultPolicy(ruleOrg), Approval{}, ruleNow); ErrorCode(err) != ECONFLICT || !strings.Contains(ErrorMessage(err), strings.ToLower(s.Label())) {
			t.Errorf("approve %s: %v, want %s naming the status", s, err, ECONFLICT)
		}
	}
}

func TestGrantTypeWithin(t *testing.T) {
	cases := []struct {
		t, u GrantType
		want bool
	}{
		{GrantDatabaseLogs, GrantInfrastructure, true},
		{GrantInfrastructure, GrantInfrastructureSync, true},
		{GrantDatabaseLogs, GrantInfrastructureSync, true},
		{GrantInfrastructure, GrantInfrastructure, true},
		{GrantInfrastructure, GrantDatabaseLogs, false},
		{GrantInfrastructureSync, GrantInfrastructure, false},
	}
	for _, tc := range cases {
		if got := tc.t.Within(tc.u); got != tc.want {
			t.Errorf("%s within %s = %v, want %v", tc.t, tc.u, got, tc.want)
		}
	}
}
