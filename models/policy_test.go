package models

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPolicyDefaults(t *testing.T) {
	p := DefaultPolicy(ruleOrg)
	if p.MaxGrantHours != 24 || !slices.Equal(p.AllowedTypes, GrantTypes) || p.RequireRequest || p.SecondApproverForSyncData || p.RetentionDays != 400 {
		t.Fatalf("default policy %+v", p)
	}
	if err := p.Validate(); err != nil {
		t.Fatalf("the default policy is invalid: %v", err)
	}
	p.AllowedTypes[0] = GrantDatabaseLogs
	if GrantTypes[0] != GrantInfrastructure {
		t.Fatal("editing a default policy changed the grant types")
	}
}

func TestPolicyValidate(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*SupportAccessPolicy)
		field string
	}{
		{"one hour", func(p *SupportAccessPolicy) { p.MaxGrantHours = 1 }, ""},
		{"zero hours", func(p *SupportAccessPolicy) { p.MaxGrantHours = 0 }, "maxGrantDurationHours"},
		{"25 hours", func(p *SupportAccessPolicy) { p.MaxGrantHours = 25 }, "maxGrantDurationHours"},
		{"no types", func(p *SupportAccessPolicy) { p.AllowedTypes = nil }, "allowedGrantTypes"},
		{"unknown type", func(p *SupportAccessPolicy) { p.AllowedTypes = []GrantType{"ROOT"} }, "allowedGrantTypes"},
		{"a type twice", func(p *SupportAccessPolicy) { p.AllowedTypes = []GrantType{GrantDatabaseLogs, GrantDatabaseLogs} }, "allowedGrantTypes"},
		{"no retention", func(p *SupportAccessPolicy) { p.RetentionDays = 0 }, "retentionDays"},
		{"ten years and a day", func(p *SupportAccessPolicy) { p.RetentionDays = 3651 }, "retentionDays"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := DefaultPolicy(ruleOrg)
			tc.edit(&p)
			if err := p.Validate(); ErrorField(err) != tc.field || (tc.field != "" && ErrorCode(err) != EINVALID) {
				t.Fatalf("Validate = %v, want an error about %q", err, tc.field)
			}
		})
	}
	p := DefaultPolicy(ruleOrg)
	p.AllowedTypes = []GrantType{GrantInfrastructureSync, GrantDatabaseLogs}
	if got := p.Normalize().AllowedTypes; !slices.Equal(got, []GrantType{GrantDatabaseLogs, GrantInfrastructureSync}) {
		t.Errorf("Normalize = %v, want the modal's order", got)
	}
}

func TestPolicyCheckGrant(t *testing.T) {
	owner := principalWith(OrgOwner, ruleOrg, ruleProject)
	manager := principalWith(ProjectOwner, ruleOrg, ruleProject)
	logsOnly := DefaultPolicy(ruleOrg)
	logsOnly.AllowedTypes, logsOnly.MaxGrantHours = []GrantType{GrantDatabaseLogs}, 8
	request := DefaultPolicy(ruleOrg)
	request.RequireRequest = true
	second := DefaultPolicy(ruleOrg)
	second.SecondApproverForSyncData = true
	cases := []struct {
		name   string
		policy SupportAccessPolicy
		who    Principal
		t      GrantType
		d      time.Duration
		path   GrantPath
		code   string
		says   string
	}{
		{"default allows a day", DefaultPolicy(ruleOrg), manager, GrantInfrastructureSync, 24 * time.Hour, DirectGrant, "", ""},
		{"default refuses more", DefaultPolicy(ruleOrg), manager, GrantInfrastructure, 24*time.Hour + time.Second, DirectGrant, EINVALID, "at most 24 hours"},
		{"type not allowed", logsOnly, owner, GrantInfrastructure, time.Hour, DirectGrant, EINVALID, "does not allow Infrastructure and logs"},
		{"above the maximum", logsOnly, owner, GrantDatabaseLogs, 9 * time.Hour, DirectGrant, EINVALID, "at most 8 hours"},
		{"at the maximum", logsOnly, owner, GrantDatabaseLogs, 8 * time.Hour, DirectGrant, "", ""},
		{"require a request: project owner refused", request, manager, GrantInfrastructure, time.Hour, DirectGrant, EFORBIDDEN, "requires a request"},
		{"require a request: organization owner may", request, owner, GrantInfrastructure, time.Hour, DirectGrant, "", ""},
		{"require a request: an approval may", request, manager, GrantInfrastructure, time.Hour, ApprovedGrant, "", ""},
		{"second approver: direct sync refused", second, owner, GrantInfrastructureSync, time.Hour, DirectGrant, EINVALID, "second approver"},
		{"second approver: direct infrastructure fine", second, manager, GrantInfrastructure, time.Hour, DirectGrant, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.policy.CheckGrant(tc.who, tc.t, tc.d, tc.path)
			if ErrorCode(err) != tc.code || !strings.Contains(ErrorMessage(err), tc.says) {
				t.Fatalf("CheckGrant = %v, want code %q saying %q", err, tc.code, tc.says)
			}
		})
	}
}

func TestPolicyDirectGrantTypesSaysWhy(t *testing.T) {
	manager := principalWith(ProjectOwner, ruleOrg, ruleProject)
	p := DefaultPolicy(ruleOrg)
	p.AllowedTypes = []GrantType{GrantInfrastructure, GrantInfrastructureSync}
	offer, why := p.DirectGrantTypes(manager, syncCluster)
	if !slices.Equal(offer, []GrantType{GrantInfrastructure, GrantInfrastructureSync}) || len(why) != 1 || !strings.Contains(why[0], "Database logs only") {
		t.Fatalf("offer %v, why %q", offer, why)
	}
	p.RequireRequest = true
	if offer, why := p.DirectGrantTypes(manager, syncCluster); len(offer) != 0 || len(why) != 2 {
		t.Fatalf("require a request: offer %v, why %q; want nothing offered and both reasons", offer, why)
	}
}

func TestPolicyClampExpiry(t *testing.T) {
	p := DefaultPolicy(ruleOrg)
	p.MaxGrantHours = 2
	if got := p.ClampExpiry(ruleNow.Add(5*time.Hour), ruleNow); !got.Equal(ruleNow.Add(2 * time.Hour)) {
		t.Errorf("clamped to %v, want two hours from now", got)
	}
	if got := p.ClampExpiry(ruleNow.Add(time.Hour), ruleNow); !got.Equal(ruleNow.Add(time.Hour)) {
		t.Errorf("a grant within the maximum moved to %v", got)
	}
}
