package models

import (
	"context"
	"testing"
)

// The store methods behind what Terraform reads: each enforces the
// caller's role and tenant itself, on both databases.

// keyPrincipal is an API key's principal with one organization role and,
// for a project role, that role in one project.
func keyPrincipal(orgID string, role Role, projectID string) Principal {
	return credentialPrincipal(ActorAPIKey, "k", "key", orgID, role, projectID)
}

func TestOrgSettingsKeepGenerativeAIAsSentAndOnlyOwnersChangeThem(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		member := keyPrincipal(f.org.ID, OrgMember, "")
		st, err := f.s.OrgSettings(ctx, member, f.org.ID)
		if err != nil || st.GenAIFeaturesEnabled || st.Org.BlockSupportAccess || st.Org.Name != "Acme Corp" {
			t.Fatalf("settings before any change: %+v %v", st, err)
		}
		on, off := true, false
		st, err = f.s.SetOrgSettings(ctx, f.owner, f.org.ID, OrgSettingsChange{GenAIFeaturesEnabled: &on})
		if err != nil || !st.GenAIFeaturesEnabled || st.Org.BlockSupportAccess {
			t.Fatalf("set generative AI: %+v %v", st, err)
		}
		if n := len(f.events(t)); n != 0 {
			t.Errorf("the generative AI setting, which changes nothing here, wrote %d events", n)
		}
		st, err = f.s.SetOrgSettings(ctx, f.owner, f.org.ID, OrgSettingsChange{Block: &on, GenAIFeaturesEnabled: &off})
		if err != nil || st.GenAIFeaturesEnabled || !st.Org.BlockSupportAccess {
			t.Fatalf("set both: %+v %v", st, err)
		}
		if n := len(f.events(t, EventBlockOn)); n != 1 {
			t.Errorf("%d block-on events, want 1", n)
		}
		if st, err = f.s.OrgSettings(ctx, member, f.org.ID); err != nil || st.GenAIFeaturesEnabled || !st.Org.BlockSupportAccess {
			t.Fatalf("settings read back: %+v %v", st, err)
		}
		if _, err := f.s.SetOrgSettings(ctx, Actor{Principal: member}, f.org.ID, OrgSettingsChange{GenAIFeaturesEnabled: &on}); ErrorCode(err) != EFORBIDDEN {
			t.Errorf("a member changed the settings: %v", err)
		}
		other, err := f.s.CreateOrg(ctx, "Globex")
		if err != nil {
			t.Fatal(err)
		}
		stranger := keyPrincipal(other.ID, OrgOwner, "")
		if _, err := f.s.OrgSettings(ctx, stranger, f.org.ID); ErrorCode(err) != ENOTFOUND {
			t.Errorf("another organization's owner read the settings: %v", err)
		}
		if _, err := f.s.SetOrgSettings(ctx, Actor{Principal: stranger}, f.org.ID, OrgSettingsChange{GenAIFeaturesEnabled: &on}); ErrorCode(err) != ENOTFOUND {
			t.Errorf("another organization's owner changed the settings: %v", err)
		}
		if st, err = f.s.OrgSettings(ctx, member, f.org.ID); err != nil || st.GenAIFeaturesEnabled {
			t.Fatalf("a refused change was kept: %+v %v", st, err)
		}
	})
}

func TestProjectMembersAreTheUsersWithARoleInTheProject(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		for _, u := range []struct {
			email string
			role  Role
		}{{"sam@acme.test", ProjectSupportAccessManager}, {"lead@acme.test", ProjectOwner}} {
			if _, err := f.s.CreateUser(ctx, u.email, "correct horse battery", f.org.ID, u.role, f.prod.ID); err != nil {
				t.Fatal(err)
			}
		}
		reader := keyPrincipal(f.org.ID, ProjectReadOnly, f.prod.ID)
		got, err := f.s.ProjectMembers(ctx, reader, f.prod.ID)
		if err != nil {
			t.Fatal(err)
		}
		// The organization's owner sees the project without being named in it.
		if len(got) != 2 || got[0].Email != "lead@acme.test" || got[0].Role != ProjectOwner ||
			got[1].Email != "sam@acme.test" || got[1].Role != ProjectSupportAccessManager || got[0].UserID == "" || got[0].CreatedAt.IsZero() {
			t.Fatalf("members: %+v", got)
		}
		if _, err := f.s.ProjectMembers(ctx, keyPrincipal(f.org.ID, OrgMember, ""), f.prod.ID); ErrorCode(err) != ENOTFOUND {
			t.Errorf("a member outside the project listed its users: %v", err)
		}
		other, err := f.s.CreateOrg(ctx, "Globex")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.ProjectMembers(ctx, keyPrincipal(other.ID, OrgOwner, ""), f.prod.ID); ErrorCode(err) != ENOTFOUND {
			t.Errorf("another organization's owner listed the users: %v", err)
		}
	})
}

func TestVisibleProjectByNameFindsOnlyWhatTheCallerSees(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		pr, err := f.s.VisibleProjectByName(ctx, keyPrincipal(f.org.ID, ProjectReadOnly, f.prod.ID), "Production")
		if err != nil || pr.ID != f.prod.ID || pr.ClusterCount != 2 {
			t.Fatalf("by name: %+v %v", pr, err)
		}
		if _, err := f.s.VisibleProjectByName(ctx, keyPrincipal(f.org.ID, ProjectReadOnly, f.prod.ID), "Staging"); ErrorCode(err) != ENOTFOUND {
			t.Errorf("a project outside the caller's found by name: %v", err)
		}
		other, err := f.s.CreateOrg(ctx, "Globex")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.VisibleProjectByName(ctx, keyPrincipal(other.ID, OrgOwner, ""), "Production"); ErrorCode(err) != ENOTFOUND {
			t.Errorf("another organization's project found by name: %v", err)
		}
		if _, err := f.s.CreateProject(ctx, other.ID, "Production"); err != nil {
			t.Fatal(err)
		}
		both := keyPrincipal(f.org.ID, OrgOwner, "")
		both.OrgRoles[other.ID] = OrgOwner
		if _, err := f.s.VisibleProjectByName(ctx, both, "Production"); ErrorCode(err) != EINVALID || ErrorField(err) != "groupName" {
			t.Errorf("two visible projects of one name: %v", err)
		}
	})
}

func TestEventByIDIsVisibleWhereItsListIs(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		if _, err := f.s.GrantAccess(ctx, f.owner, GrantRequest{ProjectID: f.prod.ID, ClusterName: "orders-prod", Type: GrantInfrastructure}); err != nil {
			t.Fatal(err)
		}
		on := true
		if _, err := f.s.SetBlock(ctx, f.owner, f.org.ID, on); err != nil {
			t.Fatal(err)
		}
		grant, block := f.events(t, EventGranted)[0], f.events(t, EventBlockOn)[0]
		reader := keyPrincipal(f.org.ID, ProjectReadOnly, f.prod.ID)
		if e, err := f.s.Event(ctx, reader, f.org.ID, f.prod.ID, grant.ID); err != nil || e.ID != grant.ID || e.GrantType != GrantInfrastructure {
			t.Fatalf("project event: %+v %v", e, err)
		}
		if e, err := f.s.Event(ctx, reader, f.org.ID, "", block.ID); err != nil || e.Type != EventBlockOn {
			t.Fatalf("organization event: %+v %v", e, err)
		}
		staging, err := f.s.ProjectByName(ctx, f.org.ID, "Staging")
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name             string
			p                Principal
			project, eventID string
		}{
			{"under another project", f.owner.Principal, staging.ID, grant.ID},
			{"of a project the member is not in", keyPrincipal(f.org.ID, OrgMember, ""), "", grant.ID},
			{"unknown", f.owner.Principal, "", "0123456789abcdef01234567"},
		}
		for _, tc := range cases {
			if _, err := f.s.Event(ctx, tc.p, f.org.ID, tc.project, tc.eventID); ErrorCode(err) != ENOTFOUND {
				t.Errorf("event %s: %v, want not found", tc.name, err)
			}
		}
		other, err := f.s.CreateOrg(ctx, "Globex")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Event(ctx, keyPrincipal(other.ID, OrgOwner, ""), f.org.ID, "", block.ID); ErrorCode(err) != ENOTFOUND {
			t.Errorf("another organization's owner read the event: %v", err)
		}
	})
}
