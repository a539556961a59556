package store

import (
	"context"
	"testing"
	"time"

	"supportaccess/models"
	"supportaccess/models/store/sqlite"
)

// A private in-memory database has a pool of one connection: the group
// committer must not keep it, or every read waits for it forever.
func TestAnInMemoryDatabaseServesReadsBesideTheCommitter(t *testing.T) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f := newFixtureWith(t, sqlite.Memory, Options{})
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		st, _, err := f.s.CreateSupportStaff(ctx, "tse@provider.test", time.Hour)
		if err == nil {
			_, err = f.s.DecideAccess(ctx, st, models.AccessRequest{ProjectID: f.prod.ID, ClusterName: "orders-prod",
				Scope: string(models.ScopeInfrastructure), CaseNumber: "1", Via: models.ViaAPI})
		}
		if err == nil {
			_, err = f.s.AccessDecisionPage(ctx, f.owner.Principal, models.DecisionFilter{OrgID: f.org.ID}, models.LogCursor{})
		}
		if err != nil {
			t.Error(err)
		}
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the in-memory store hung")
	}
}
