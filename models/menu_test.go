package models

import (
	"fmt"
	"testing"
)

// TestClusterMenuTable: the items of a row's menu for every combination
// of the user's right to manage grants, the block setting, App Services
// sync and a grant in force.
func TestClusterMenuTable(t *testing.T) {
	var (
		none     = MenuItems{}
		syncForm = MenuItems{SyncGrantForm: true}
		expiry   = MenuItems{Expiry: true}
		revoke   = MenuItems{Expiry: true, Revoke: true, Extend: true}
		dialog   = MenuItems{GrantDialog: true}
		standing = MenuItems{StandingAccessNote: true}
		readOnly = MenuItems{ReadOnlyNote: true}
	)
	cases := []struct {
		manage, block, sync, grant bool
		want                       MenuItems
	}{
		// A manager.
		{true, false, false, false, standing},
		{true, false, true, false, syncForm},
		{true, false, false, true, revoke},
		{true, false, true, true, revoke},
		{true, true, false, false, dialog},
		{true, true, true, false, dialog},
		{true, true, false, true, revoke},
		{true, true, true, true, revoke},
		// A user who may only look.
		{false, false, false, false, readOnly},
		{false, false, true, false, readOnly},
		{false, false, false, true, expiry},
		{false, false, true, true, expiry},
		{false, true, false, false, readOnly},
		{false, true, true, false, readOnly},
		{false, true, false, true, expiry},
		{false, true, true, true, expiry},
	}
	if len(cases) != 16 {
		t.Fatalf("%d cases, want all 16 combinations", len(cases))
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		name := fmt.Sprintf("manage=%v block=%v sync=%v grant=%v", tc.manage, tc.block, tc.sync, tc.grant)
		if seen[name] {
			t.Fatalf("%s listed twice", name)
		}
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			cv := ClusterView{Cluster: Cluster{ID: "c1", Name: "orders-prod", SyncEnabled: tc.sync},
				Org: Organization{ID: "o1", BlockSupportAccess: tc.block}}
			if tc.grant {
				cv.Grant = &Grant{ID: "g1", ClusterID: "c1", Type: GrantDatabaseLogs}
			}
			got := ClusterMenu(tc.manage, &cv)
			if got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			if got == none {
				t.Fatal("a menu with no item but the log")
			}
			// A pending request adds its review for a manager, and only then.
			cv.Request = &SupportAccessRequest{ID: "r1", Status: RequestPending}
			withRequest := ClusterMenu(tc.manage, &cv)
			want := tc.want
			want.ReviewRequest = tc.manage
			if withRequest != want {
				t.Fatalf("with a pending request: got %+v, want %+v", withRequest, want)
			}
		})
	}
}
