package models

import (
	"fmt"
	"testing"
	"time"
)

// TestDecideTable walks every cell of product.md's decision table.
func TestDecideTable(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	c := Cluster{ID: "c1", Name: "orders-prod", SyncEnabled: true}
	grant := func(typ GrantType) *Grant {
		return &Grant{ID: "g-" + string(typ), ClusterID: c.ID, Type: typ, ExpiresAt: At(now.Add(time.Hour))}
	}
	states := []struct {
		name    string
		blocked bool
		grant   *Grant
		allowed map[Scope]bool
	}{
		{"block off", false, nil, map[Scope]bool{ScopeInfrastructure: true, ScopeClusterLogs: true, ScopeDatabaseLogs: true, ScopeAuditLogs: true, ScopeSyncData: false}},
		{"block on, no grant", true, nil, map[Scope]bool{ScopeInfrastructure: false, ScopeClusterLogs: false, ScopeDatabaseLogs: false, ScopeAuditLogs: false, ScopeSyncData: false}},
		{"block on + infrastructure grant", true, grant(GrantInfrastructure), map[Scope]bool{ScopeInfrastructure: true, ScopeClusterLogs: true, ScopeDatabaseLogs: true, ScopeAuditLogs: true, ScopeSyncData: false}},
		{"block on + database logs grant", true, grant(GrantDatabaseLogs), map[Scope]bool{ScopeInfrastructure: false, ScopeClusterLogs: false, ScopeDatabaseLogs: true, ScopeAuditLogs: false, ScopeSyncData: false}},
		{"block on + sync data grant", true, grant(GrantInfrastructureSync), map[Scope]bool{ScopeInfrastructure: true, ScopeClusterLogs: true, ScopeDatabaseLogs: true, ScopeAuditLogs: true, ScopeSyncData: true}},
		// With the block off, sync data still needs its grant.
		{"block off + sync data grant", false, grant(GrantInfrastructureSync), map[Scope]bool{ScopeInfrastructure: true, ScopeClusterLogs: true, ScopeDatabaseLogs: true, ScopeAuditLogs: true, ScopeSyncData: true}},
		{"block off + infrastructure grant", false, grant(GrantInfrastructure), map[Scope]bool{ScopeInfrastructure: true, ScopeClusterLogs: true, ScopeDatabaseLogs: true, ScopeAuditLogs: true, ScopeSyncData: false}},
	}
	for _, st := range states {
		if len(st.allowed) != len(Scopes) {
			t.Fatalf("%s: table row has %d scopes, want %d", st.name, len(st.allowed), len(Scopes))
		}
		for _, scope := range Scopes {
			t.Run(fmt.Sprintf("%s/%s", st.name, scope), func(t *testing.T) {
				v := Decide(st.blocked, c, st.grant, scope, now)
				if v.Allowed != st.allowed[scope] {
					t.Fatalf("allowed = %v (%s: %s), want %v", v.Allowed, v.Code, v.Reason, st.allowed[scope])
				}
				if v.Reason == "" || v.Code == "" {
					t.Fatalf("a decision needs a reason: %+v", v)
				}
				if (st.grant == nil) != (v.Grant == nil) {
					t.Fatalf("grant in force = %v, want %v", v.Grant, st.grant)
				}
			})
		}
	}
}

// TestDecideExpiryBoundary: allowed one nanosecond before expirationTime,
// denied at it, with nothing but the clock moving.
func TestDecideExpiryBoundary(t *testing.T) {
	expires := time.Date(2026, 11, 28, 11, 23, 0, 0, time.UTC)
	c := Cluster{ID: "c1", Name: "analytics"}
	g := &Grant{ID: "g1", ClusterID: c.ID, Type: GrantDatabaseLogs, ExpiresAt: At(expires)}
	for _, tc := range []struct {
		name    string
		now     time.Time
		allowed bool
		code    ReasonCode
	}{
		{"1ns before", expires.Add(-time.Nanosecond), true, ReasonGrantCovers},
		{"at expiration", expires, false, ReasonNoGrant},
		{"1ns after", expires.Add(time.Nanosecond), false, ReasonNoGrant},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := Decide(true, c, g, ScopeDatabaseLogs, tc.now)
			if v.Allowed != tc.allowed || v.Code != tc.code {
				t.Fatalf("got %v %s, want %v %s", v.Allowed, v.Code, tc.allowed, tc.code)
			}
			if tc.allowed != (v.Grant != nil) {
				t.Fatalf("grant in force reported as %v", v.Grant)
			}
		})
	}
}

// TestDecideEdges covers what the table leaves implicit.
func TestDecideEdges(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	sync := Cluster{ID: "c1", Name: "orders-prod", SyncEnabled: true}
	plain := Cluster{ID: "c2", Name: "analytics"}
	live := func(c Cluster, typ GrantType) *Grant {
		return &Grant{ID: "g", ClusterID: c.ID, Type: typ, ExpiresAt: At(now.Add(time.Hour))}
	}
	revoked := live(sync, GrantInfrastructure)
	revoked.ClosedAt = At(now.Add(-time.Minute))
	for _, tc := range []struct {
		name    string
		blocked bool
		c       Cluster
		g       *Grant
		scope   Scope
		allowed bool
		code    ReasonCode
	}{
		{"revoked grant is no grant", true, sync, revoked, ScopeInfrastructure, false, ReasonNoGrant},
		{"grant of another cluster is ignored", true, plain, live(sync, GrantInfrastructure), ScopeInfrastructure, false, ReasonNoGrant},
		{"sync data without sync enabled", false, plain, nil, ScopeSyncData, false, ReasonSyncNotEnabled},
		{"sync data, block off, no grant", false, sync, nil, ScopeSyncData, false, ReasonSyncNeedsGrant},
		{"narrower grant names itself", true, plain, live(plain, GrantDatabaseLogs), ScopeAuditLogs, false, ReasonGrantNarrower},
		{"standing access", false, plain, nil, ScopeAuditLogs, true, ReasonStandingAccess},
		{"unknown scope", false, plain, nil, Scope("DATA"), false, ReasonUnknownScope},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := Decide(tc.blocked, tc.c, tc.g, tc.scope, now)
			if v.Allowed != tc.allowed || v.Code != tc.code {
				t.Fatalf("got %v %s (%s), want %v %s", v.Allowed, v.Code, v.Reason, tc.allowed, tc.code)
			}
		})
	}
}
