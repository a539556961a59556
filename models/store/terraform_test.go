package store

import (
	"supportaccess/models"

	"context"
	"testing"
)

// The store methods behind what Terraform reads: each enforces the
// caller's role and tenant itself, on both databases.

// keyPrincipal is an API key's principal with one organization role and,
// for a project role, that role in one project.
func keyPrincipal(orgID string, role models.Role, projectID string) models.Principal {
	return models.APIKey{ID: "k", PublicKey: "key", OrgID: orgID, Role: role, ProjectID: projectID}.Principal()
}

func TestOrgSettingsKeepGenerativeAIAsSentAndOnlyOwnersChangeThem(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		member := keyPrincipal(f.org.ID, models.OrgMember, "")
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
		if n := len(f.events(t, models.EventBlockOn)); n != 1 {
			t.Errorf("%d block-on events, want 1", n)
		}
		if st, err = f.s.OrgSettings(ctx, member, f.org.ID); err != nil || st.GenAIFeaturesEnabled || !st.Org.BlockSupportAccess {
			t.Fatalf("settings read back: %+v %v", st, err)
		}
		if _, err := f.s.SetOrgSettings(ctx, models.Actor{Principal: member}, f.org.ID, OrgSettingsChange{GenAIFeaturesEnabled: &on}); models.ErrorCode(err) != models.EFORBIDDEN {
			t.Errorf("a member changed the settings: %v", err)
		}
		other, err := f.s.CreateOrg(ctx, "Globex")
		if err != nil {
			t.Fatal(err)
		}
		stranger := keyPrincipal(other.ID, models.OrgOwner, "")
		if _, err := f.s.OrgSettings(ctx, stranger, f.org.ID); models.ErrorCode(err) != models.ENOTFOUND {
			t.Errorf("another organization's owner read the settings: %v", err)
		}
		if _, err := f.s.SetOrgSettings(ctx, models.Actor{Principal: stranger}, f.org.ID, OrgSettingsChange{GenAIFeaturesEnabled: &on}); models.ErrorCode(err) != models.ENOTFOUND {
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
			role  models.Role
		}{{"sam@acme.test", models.ProjectSupportAccessManager}, {"lead@acme.test", models.ProjectOwner}} {
			if _, err := f.s.CreateUser(ctx, u.email, "correct horse battery", f.org.ID, u.role, f.prod.ID); err != nil {
				t.Fatal(err)
			}
		}
		reader := keyPrincipal(f.org.ID, models.ProjectReadOnly, f.prod.ID)
		got, err := f.s.ProjectMembers(ctx, reader, f.prod.ID)
		if err != nil {
			t.Fatal(err)
		}
		// The organization's owner sees the project without being named in it.
		if len(got) != 2 || got[0].Email != "lead@acme.test" || got[0].Role != models.ProjectOwner ||
			got[1].Email != "sam@acme.test" || got[1].Role != models.ProjectSupportAccessManager || got[0].UserID == "" || got[0].CreatedAt.IsZero() {
			t.Fatalf("members: %+v", got)
		}
		if _, err := f.s.ProjectMembers(ctx, keyPrincipal(f.org.ID, models.OrgMember, ""), f.prod.ID); models.ErrorCode(err) != models.ENOTFOUND {
			t.Errorf("a member outside the project listed its users: %v", err)
		}
		other, err := f.s.CreateOrg(ctx, "Globex")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.ProjectMembers(ctx, keyPrincipal(other.ID, models.OrgOwner, ""), f.prod.ID); models.ErrorCode(err) != models.ENOTFOUND {
			t.Errorf("another organization's owner listed the users: %v", err)
		}
	})
}

func TestVisibleProjectByNameFindsOnlyWhatTheCallerSees(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		pr, err := f.s.VisibleProjectByName(ctx, keyPrincipal(f.org.ID, models.ProjectReadOnly, f.prod.ID), "Production")
		if err != nil || pr.ID != f.prod.ID || pr.ClusterCount != 2 {
			t.Fatalf("by name: %+v %v", pr, err)
		}
		if _, err := f.s.VisibleProjectByName(ctx, keyPrincipal(f.org.ID, models.ProjectReadOnly, f.prod.ID), "Staging"); models.ErrorCode(err) != models.ENOTFOUND {
			t.Errorf("a project outside the caller's found by name: %v", err)
		}
		other, err := f.s.CreateOrg(ctx, "Globex")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.VisibleProjectByName(ctx, keyPrincipal(other.ID, models.OrgOwner, ""), "Production"); models.ErrorCode(err) != models.ENOTFOUND {
			t.Errorf("another organization's project found by name: %v", err)
		}
		if _, err := f.s.CreateProject(ctx, other.ID, "Production"); err != nil {
			t.Fatal(err)
		}
		both := keyPrincipal(f.org.ID, models.OrgOwner, "")
		both.OrgRoles[other.ID] = models.OrgOwner
		if _, err := f.s.VisibleProjectByName(ctx, both, "Production"); models.ErrorCode(err) != models.EINVALID || models.ErrorField(err) != "groupName" {
			t.Errorf("two visible projects of one name: %v", err)
		}
	})
}

func TestEventByIDIsVisibleWhereItsListIs(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		if _, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "orders-prod", Type: models.GrantInfrastructure}); err != nil {
			t.Fatal(err)
		}
		on := true
		if _, err := f.s.SetBlock(ctx, f.owner, f.org.ID, on); err != nil {
			t.Fatal(err)
		}
		grant, block := f.events(t, models.EventGranted)[0], f.events(t, models.EventBlockOn)[0]
		reader := keyPrincipal(f.org.ID, models.ProjectReadOnly, f.prod.ID)
		if e, err := f.s.Event(ctx, reader, f.org.ID, f.prod.ID, grant.ID); err != nil || e.ID != grant.ID || e.GrantType != models.GrantInfrastructure {
			t.Fatalf("project event: %+v %v", e, err)
		}
		if e, err := f.s.Event(ctx, reader, f.org.ID, "", block.ID); err != nil || e.Type != models.EventBlockOn {
			t.Fatalf("organization event: %+v %v", e, err)
		}
		staging, err := f.s.ProjectByName(ctx, f.org.ID, "Staging")
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name             string
			p                models.Principal
			project, eventID string
		}{
			{"under another project", f.owner.Principal, staging.ID, grant.ID},
			{"of a project the member is not in", keyPrincipal(f.org.ID, models.OrgMember, ""), "", grant.ID},
			{"unknown", f.owner.Principal, "", "0123456789abcdef01234567"},
		}
		for _, tc := range cases {
			if _, err := f.s.Event(ctx, tc.p, f.org.ID, tc.project, tc.eventID); models.ErrorCode(err) != models.ENOTFOUND {
				t.Errorf("event %s: %v, want not found", tc.name, err)
			}
		}
		other, err := f.s.CreateOrg(ctx, "Globex")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Event(ctx, keyPrincipal(other.ID, models.OrgOwner, ""), f.org.ID, "", block.ID); models.ErrorCode(err) != models.ENOTFOUND {
			t.Errorf("another organization's owner read the event: %v", err)
		}
	})
}
