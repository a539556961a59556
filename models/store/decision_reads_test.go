package store

import (
	"context"
	"testing"
	"time"

	"supportaccess/models"
)

// TestDecisionReadsFollowEveryChange: on SQLite the group committer keeps
// what a question read, and a decision taken after any change answers as
// the database does: a grant made through the committer, a block set by
// another server on the same file, an employee revoked through a
// connection of the pool. Between changes, the kept rows are used.
func TestDecisionReadsFollowEveryChange(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	other := f.replica(t) // a second process on the same file
	_, token, err := f.s.CreateSupportStaff(ctx, "tse@provider.test", 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	ask := models.AccessRequest{ProjectID: f.prod.ID, ClusterName: "analytics", Scope: string(models.ScopeInfrastructure), CaseNumber: "01234567", Via: models.ViaAPI}
	decide := func(want models.ReasonCode) {
		t.Helper()
		d, err := f.s.DecideAccessWithToken(ctx, token, ask)
		if err != nil || d.ReasonCode != want {
			t.Fatalf("decision %s %v, want %s", d.ReasonCode, err, want)
		}
	}
	hash, err := models.SupportTokenHash(token)
	if err != nil {
		t.Fatal(err)
	}
	// kept: the question's rows are kept in the committer's epoch.
	kept := func() {
		t.Helper()
		f.s.reads.mu.Lock()
		defer f.s.reads.mu.Unlock()
		_, ok := f.s.reads.rows[decisionReadKey{hash, ask.ProjectID, ask.ClusterName}]
		if !ok || f.s.reads.epoch != f.s.group.Epoch() {
			t.Fatalf("question kept %v in epoch %d (committer at %d)", ok, f.s.reads.epoch, f.s.group.Epoch())
		}
	}

	if _, err := f.s.SetBlock(ctx, f.owner, f.org.ID, true); err != nil {
		t.Fatal(err)
	}
	decide(models.ReasonNoGrant)
	decide(models.ReasonNoGrant)
	kept()
	epoch := f.s.group.Epoch()
	decide(models.ReasonNoGrant)
	if f.s.group.Epoch() != epoch {
		t.Fatalf("a recorded decision moved the epoch from %d to %d", epoch, f.s.group.Epoch())
	}

	// A change through the committer.
	if _, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "analytics", Type: models.GrantInfrastructure}); err != nil {
		t.Fatal(err)
	}
	decide(models.ReasonGrantCovers)
	kept()

	// A change by another process, with its own connections and committer.
	if _, _, err := other.RevokeAccess(ctx, f.owner, f.prod.ID, "analytics"); err != nil {
		t.Fatal(err)
	}
	decide(models.ReasonNoGrant)
	if _, err := other.SetBlock(ctx, f.owner, f.org.ID, false); err != nil {
		t.Fatal(err)
	}
	decide(models.ReasonStandingAccess)

	// A change through another connection of this process's pool.
	if _, err := f.s.RevokeSupportStaff(ctx, "tse@provider.test"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.DecideAccessWithToken(ctx, token, ask); models.ErrorCode(err) != models.EUNAUTHORIZED {
		t.Fatalf("revoked token: %v, want refused", err)
	}
}
