package store

import (
	"context"
	"testing"
	"time"

	"supportaccess/models"
)

// invite invites email as role into the fixture's organization and
// returns the user and the link's token.
func invite(t *testing.T, f *fixture, email string, role models.Role) (models.User, string) {
	t.Helper()
	inv := Invitation{Email: email, Role: role}
	if role.IsProjectRole() {
		inv.ProjectID = f.prod.ID
	}
	u, token, err := f.s.InviteMember(context.Background(), f.owner, f.org.ID, inv)
	if err != nil {
		t.Fatal(err)
	}
	if token == "" {
		t.Fatal("a new person got no link")
	}
	return u, token
}

func TestAnInvitationLinkSetsThePasswordOnceAndNeverAgain(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		u, token := invite(t, f, "new@acme.test", models.OrgMember)
		if _, err := f.s.Authenticate(ctx, "new@acme.test", ""); models.ErrorCode(err) != models.EUNAUTHORIZED {
			t.Fatalf("an invited person without a password logs in: %v", err)
		}
		if _, err := f.s.UsePasswordLink(ctx, token, "short"); models.ErrorCode(err) != models.EINVALID {
			t.Fatalf("a weak password: %v, want invalid", err)
		}
		info, err := f.s.UsePasswordLink(ctx, token, "a long enough password")
		if err != nil || info.Email != "new@acme.test" || info.Link.Purpose != models.LinkInvitation {
			t.Fatalf("use: %+v %v", info, err)
		}
		if _, err := f.s.Authenticate(ctx, "new@acme.test", "a long enough password"); err != nil {
			t.Fatalf("the password set through the link: %v", err)
		}
		if _, err := f.s.UsePasswordLink(ctx, token, "another long password"); models.ErrorCode(err) != models.ENOTFOUND {
			t.Fatalf("a reused link: %v, want not found", err)
		}
		if _, err := f.s.PasswordLinkFor(ctx, token); models.ErrorCode(err) != models.ENOTFOUND {
			t.Fatalf("a reused link's page: %v", err)
		}
		if _, err := f.s.Authenticate(ctx, "new@acme.test", "another long password"); err == nil {
			t.Fatal("the reused link changed the password")
		}
		if n := len(f.events(t, models.EventMemberInvited)); n != 1 {
			t.Errorf("%d invitation events, want 1", n)
		}
		if evs := f.events(t, models.EventMemberJoined); len(evs) != 1 || evs[0].ActorID != u.ID {
			t.Errorf("joined events: %+v", evs)
		}
	})
}

func TestAnExpiredOrUnknownLinkIsRefused(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		_, token := invite(t, f, "late@acme.test", models.OrgReadOnly)
		f.clock = f.clock.Add(models.PasswordLinkLifetime + time.Second)
		for name, tok := range map[string]string{"expired": token, "unknown": models.RandomToken(32), "empty": "", "huge": string(make([]byte, 4000))} {
			if _, err := f.s.UsePasswordLink(ctx, tok, "a long enough password"); models.ErrorCode(err) != models.ENOTFOUND {
				t.Errorf("%s link: %v, want not found", name, err)
			}
		}
	})
}

func TestAResetEndsSessionsAndOnlyTheNewestLinkWorks(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		u, token := invite(t, f, "reset@acme.test", models.OrgMember)
		if _, err := f.s.UsePasswordLink(ctx, token, "a long enough password"); err != nil {
			t.Fatal(err)
		}
		ss := mustSession(t, f, u.ID)
		_, first, err := f.s.ResetMemberPassword(ctx, f.owner, f.org.ID, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.s.ResumeSession(ctx, ss.ID); models.ErrorCode(err) != models.EUNAUTHORIZED {
			t.Fatalf("a session outlived the reset: %v", err)
		}
		if _, err := f.s.Authenticate(ctx, "reset@acme.test", "a long enough password"); err == nil {
			t.Fatal("the old password still works after a reset")
		}
		_, second, err := f.s.ResetMemberPassword(ctx, f.owner, f.org.ID, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.UsePasswordLink(ctx, first, "the first new password"); models.ErrorCode(err) != models.ENOTFOUND {
			t.Fatalf("a superseded link: %v", err)
		}
		if _, err := f.s.UsePasswordLink(ctx, second, "the second new password"); err != nil {
			t.Fatal(err)
		}
		if n := len(f.events(t, models.EventMemberPasswordReset)); n != 2 {
			t.Errorf("%d reset events, want 2", n)
		}
	})
}

func TestTheLastOwnerCannotBeRemovedOrDemoted(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		ms, err := f.s.Members(ctx, f.owner.Principal, f.org.ID)
		if err != nil {
			t.Fatal(err)
		}
		owners := 0
		for _, m := range ms {
			if m.OrgRole == models.OrgOwner {
				owners++
			}
		}
		if owners != 1 {
			t.Fatalf("the demo has %d owners, the test wants 1", owners)
		}
		if _, err := f.s.RemoveMember(ctx, f.owner, f.org.ID, f.owner.ID); models.ErrorCode(err) != models.EINVALID {
			t.Fatalf("removing the last owner: %v", err)
		}
		if err := f.s.SetMemberRoles(ctx, f.owner, f.org.ID, f.owner.ID, RoleChange{OrgRole: models.OrgMember}); models.ErrorCode(err) != models.EINVALID {
			t.Fatalf("demoting the last owner: %v", err)
		}
		other, _ := invite(t, f, "second-owner@acme.test", models.OrgOwner)
		if err := f.s.SetMemberRoles(ctx, f.owner, f.org.ID, f.owner.ID, RoleChange{OrgRole: models.OrgMember}); err != nil {
			t.Fatalf("demoting an owner beside another: %v", err)
		}
		if _, err := f.s.RemoveMember(ctx, f.owner, f.org.ID, other.ID); models.ErrorCode(err) != models.EFORBIDDEN {
			t.Fatalf("a demoted owner's old principal still manages members: %v", err)
		}
	})
}

func TestRemovingAMemberEndsTheirSessionsAndTheirRoles(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		u, _ := invite(t, f, "gone@acme.test", models.ProjectOwner)
		if _, _, err := f.s.InviteMember(ctx, f.owner, f.org.ID, Invitation{Email: "gone@acme.test", Role: models.OrgMember}); models.ErrorCode(err) != models.EINVALID {
			t.Fatalf("inviting a member again: %v", err)
		}
		ss := mustSession(t, f, u.ID)
		if _, err := f.s.RemoveMember(ctx, f.owner, f.org.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.s.ResumeSession(ctx, ss.ID); models.ErrorCode(err) != models.EUNAUTHORIZED {
			t.Fatalf("the removed member's session lives: %v", err)
		}
		p, err := f.s.UserPrincipal(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.OrgRoles) != 0 || len(p.ProjectRoles) != 0 {
			t.Fatalf("roles left after removal: %+v", p)
		}
		if _, err := f.s.RemoveMember(ctx, f.owner, f.org.ID, u.ID); models.ErrorCode(err) != models.ENOTFOUND {
			t.Fatalf("removing again: %v", err)
		}
		if n := len(f.events(t, models.EventMemberRemoved)); n != 1 {
			t.Errorf("%d removal events", n)
		}
	})
}

func TestOnlyOwnersManageMembersAndOthersSeeOnlyTheOwners(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		u, _ := invite(t, f, "plain@acme.test", models.OrgMember)
		p, err := f.s.UserPrincipal(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		member := models.Actor{Principal: p}
		if _, _, err := f.s.InviteMember(ctx, member, f.org.ID, Invitation{Email: "x@acme.test", Role: models.OrgOwner}); models.ErrorCode(err) != models.EFORBIDDEN {
			t.Fatalf("a member invites: %v", err)
		}
		if _, _, err := f.s.ResetMemberPassword(ctx, member, f.org.ID, f.owner.ID); models.ErrorCode(err) != models.EFORBIDDEN {
			t.Fatalf("a member resets an owner: %v", err)
		}
		ms, err := f.s.Members(ctx, p, f.org.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if m.OrgRole != models.OrgOwner || len(m.ProjectRoles) != 0 {
				t.Errorf("a member sees %+v", m)
			}
		}
		if len(ms) == 0 {
			t.Error("a member sees no owner")
		}
		stranger := models.Actor{Principal: models.Principal{Kind: models.ActorUser, ID: "x", OrgRoles: map[string]models.Role{}}}
		if _, err := f.s.Members(ctx, stranger.Principal, f.org.ID); models.ErrorCode(err) != models.ENOTFOUND {
			t.Fatalf("a stranger lists members: %v", err)
		}
	})
}

func TestAnOwnerCannotResetTheLoginOfSomeoneFromAnotherOrganization(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		other, err := f.s.CreateOrg(ctx, "Other Org")
		if err != nil {
			t.Fatal(err)
		}
		u, err := f.s.CreateUser(ctx, "elsewhere@other.test", "a long enough password", other.ID, models.OrgOwner, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, token, err := f.s.InviteMember(ctx, f.owner, f.org.ID, Invitation{Email: u.Email, Role: models.OrgMember}); err != nil || token != "" {
			t.Fatalf("inviting a person with a login: %q %v", token, err)
		}
		if _, _, err := f.s.ResetMemberPassword(ctx, f.owner, f.org.ID, u.ID); models.ErrorCode(err) != models.EFORBIDDEN {
			t.Fatalf("reset of another organization's owner: %v", err)
		}
		if _, err := f.s.Authenticate(ctx, u.Email, "a long enough password"); err != nil {
			t.Fatalf("their password changed: %v", err)
		}
	})
}
