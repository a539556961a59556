package store

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

func countRows(t *testing.T, f *fixture, table, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := f.s.db.Table(table).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// TestANewProjectStartsWithTheDefaultAlerts: granted, extended, revoked,
// expired, expiring and requested, each to the project's owners and the
// organization's owners by email.
func TestANewProjectStartsWithTheDefaultAlerts(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		pr, err := f.s.CreateProject(ctx, f.org.ID, "Fresh")
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.s.AlertConfigs(ctx, f.owner.Principal, pr.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(models.DefaultAlertEvents) {
			t.Fatalf("%d alerts, want %d", len(got), len(models.DefaultAlertEvents))
		}
		for i, c := range got {
			if c.EventType != models.DefaultAlertEvents[i] || !c.Enabled || len(c.Notifications) != 2 ||
				c.Notifications[0].TypeName != models.NotifyGroup || c.Notifications[0].Roles[0] != models.ProjectOwner ||
				c.Notifications[1].TypeName != models.NotifyOrg || c.Notifications[1].Roles[0] != models.OrgOwner {
				t.Errorf("alert %d: %+v", i, c)
			}
		}
	})
}

// TestMigrationGivesExistingProjectsTheDefaultAlerts: a project made
// before alerts existed has them after the upgrade.
func TestMigrationGivesExistingProjectsTheDefaultAlerts(t *testing.T) {
	for _, b := range backends {
		t.Run(string(b), func(t *testing.T) {
			ctx := context.Background()
			s, err := Open(testDSN(t, b))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.migrateTo(ctx, 12); err != nil {
				t.Fatal(err)
			}
			if err := s.db.Exec(`INSERT INTO organizations (id, name, created_at) VALUES ('o1', 'Old', 1)`).Error; err != nil {
				t.Fatal(err)
			}
			if err := s.db.Exec(`INSERT INTO projects (id, org_id, name, created_at) VALUES ('p1', 'o1', 'Old project', 1)`).Error; err != nil {
				t.Fatal(err)
			}
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			var n int64
			if err := s.db.Table("alert_configs").Where("project_id = 'p1' AND enabled = ?", true).Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			if n != int64(len(models.DefaultAlertEvents)) {
				t.Fatalf("%d alerts on the old project, want %d", n, len(models.DefaultAlertEvents))
			}
		})
	}
}

// TestAGrantQueuesItsDeliveriesInItsTransaction: a grant queues one
// delivery per notification of the alerts it matches; a change that rolls
// back after writing its event leaves none.
func TestAGrantQueuesItsDeliveriesInItsTransaction(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		if _, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "analytics", Type: models.GrantDatabaseLogs}); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, f, "alert_deliveries", "event_type = ? AND status = ?", models.EventGranted, models.DeliveryPending); n != 2 {
			t.Fatalf("%d deliveries queued for the grant, want 2", n)
		}
		undo := errors.New("undo")
		err := f.s.retry(ctx, func(tx *gorm.DB, now time.Time) error {
			if err := insertEvent(tx, now, models.Event{OrgID: f.org.ID, ProjectID: f.prod.ID, ClusterName: "analytics", Type: models.EventRevoked}, f.owner); err != nil {
				return err
			}
			return models.Errorf(models.EINVALID, "%v", undo)
		})
		if models.ErrorCode(err) != models.EINVALID {
			t.Fatalf("the change: %v", err)
		}
		if n := countRows(t, f, "alert_deliveries", "event_type = ?", models.EventRevoked); n != 0 {
			t.Fatalf("%d deliveries left by a change that rolled back", n)
		}
	})
}

// TestBadAlertsAreRefusedAndNothingIsStored, on both databases, and only
// owners change alerts.
func TestBadAlertsAreRefusedAndNothingIsStored(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		before := countRows(t, f, "alert_configs", "project_id = ?", f.prod.ID)
		bad := []struct {
			field string
			c     models.AlertConfig
		}{
			{"eventTypeName", models.AlertConfig{EventType: "NO_SUCH_EVENT", Notifications: []models.AlertNotification{{TypeName: "EMAIL", EmailAddress: "a@b.test"}}}},
			{"notifications.0.typeName", models.AlertConfig{EventType: models.EventGranted, Notifications: []models.AlertNotification{{TypeName: "SLACK"}}}},
			{"notifications.0.emailAddress", models.AlertConfig{EventType: models.EventGranted, Notifications: []models.AlertNotification{{TypeName: "EMAIL", EmailAddress: "nope"}}}},
			{"notifications.0.webhookUrl", models.AlertConfig{EventType: models.EventGranted, Notifications: []models.AlertNotification{{TypeName: "WEBHOOK", WebhookURL: "file:///etc/passwd", WebhookSecret: "0123456789"}}}},
			{"notifications.0.username", models.AlertConfig{EventType: models.EventGranted, Notifications: []models.AlertNotification{{TypeName: "USER", Username: "stranger@else.test"}}}},
			{"matchers.0.fieldName", models.AlertConfig{EventType: models.EventGranted, Matchers: []models.AlertMatcher{{FieldName: "TYPE_NAME", Operator: "EQUALS", Value: "x"}},
				Notifications: []models.AlertNotification{{TypeName: "EMAIL", EmailAddress: "a@b.test"}}}},
		}
		for _, tc := range bad {
			_, err := f.s.CreateAlertConfig(ctx, f.owner, f.prod.ID, tc.c)
			if models.ErrorCode(err) != models.EINVALID || models.ErrorField(err) != tc.field {
				t.Errorf("%s: %v", tc.field, err)
			}
		}
		if after := countRows(t, f, "alert_configs", "project_id = ?", f.prod.ID); after != before {
			t.Fatalf("%d alerts after refusals, %d before", after, before)
		}
		reader := models.Actor{Principal: models.Principal{Kind: models.ActorUser, ID: "r", OrgRoles: map[string]models.Role{f.org.ID: models.OrgReadOnly}}}
		ok := models.AlertConfig{EventType: models.EventGranted, Enabled: true, Notifications: []models.AlertNotification{{TypeName: "EMAIL", EmailAddress: "a@b.test"}}}
		if _, err := f.s.CreateAlertConfig(ctx, reader, f.prod.ID, ok); models.ErrorCode(err) != models.EFORBIDDEN {
			t.Fatalf("a read-only member created an alert: %v", err)
		}
	})
}

// TestAlertLifecycleKeepsTheWebhookSecret: create, replace without the
// secret (as read back), disable, delete.
func TestAlertLifecycleKeepsTheWebhookSecret(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		hook := models.AlertNotification{TypeName: "WEBHOOK", WebhookURL: "https://hooks.example.test/in", WebhookSecret: "first-secret"}
		c, err := f.s.CreateAlertConfig(ctx, f.owner, f.prod.ID, models.AlertConfig{EventType: models.EventRevoked, Enabled: true, Notifications: []models.AlertNotification{hook}})
		if err != nil {
			t.Fatal(err)
		}
		hook.WebhookSecret = "****"
		c.Notifications = []models.AlertNotification{hook}
		c.Matchers = []models.AlertMatcher{{FieldName: "CLUSTER_NAME", Operator: "STARTS_WITH", Value: "orders"}}
		if _, err := f.s.ReplaceAlertConfig(ctx, f.owner, f.prod.ID, c.ID, c); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.SetAlertConfigEnabled(ctx, f.owner, f.prod.ID, c.ID, false); err != nil {
			t.Fatal(err)
		}
		got, err := f.s.AlertConfig(ctx, f.owner.Principal, f.prod.ID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Enabled || got.Notifications[0].WebhookSecret != "first-secret" || len(got.Matchers) != 1 {
			t.Fatalf("after replace and disable: %+v", got)
		}
		if err := f.s.DeleteAlertConfig(ctx, f.owner, f.prod.ID, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.AlertConfig(ctx, f.owner.Principal, f.prod.ID, c.ID); models.ErrorCode(err) != models.ENOTFOUND {
			t.Fatalf("read after delete: %v", err)
		}
	})
}

// TestEachDeliveryIsClaimedOnce: two replicas claiming at once share the
// queue without overlap; an attempt recorded under a lost lease is not.
func TestEachDeliveryIsClaimedOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		for _, c := range []string{"analytics", "orders-prod"} {
			if _, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: c, Type: models.GrantInfrastructure}); err != nil {
				t.Fatal(err)
			}
		}
		other := f.replica(t)
		var mu sync.Mutex
		seen := map[string]int{}
		var wg sync.WaitGroup
		for i, s := range []*Store{f.s, other, f.s, other} {
			wg.Go(func() {
				got, err := s.ClaimDeliveries(ctx, []string{"a", "b", "c", "d"}[i], time.Minute, 10)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				defer mu.Unlock()
				for _, d := range got {
					seen[d.ID]++
				}
			})
		}
		wg.Wait()
		if len(seen) != 4 {
			t.Fatalf("%d deliveries claimed, want 4", len(seen))
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("delivery %s claimed %d times", id, n)
			}
		}
		if got, err := f.s.ClaimDeliveries(ctx, "e", time.Minute, 10); err != nil || len(got) != 0 {
			t.Fatalf("claimed again under live leases: %d %v", len(got), err)
		}
	})
}

// TestExpiringIsRaisedOncePerGrantAndNotAfterARevoke.
func TestExpiringIsRaisedOncePerGrantAndNotAfterARevoke(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		for _, c := range []string{"analytics", "orders-prod"} {
			if _, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: c, Type: models.GrantInfrastructure,
				ExpiresAt: f.clock.Add(3 * time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := f.s.SweepExpiring(ctx); err != nil || n != 0 {
			t.Fatalf("raised %d three hours ahead: %v", n, err)
		}
		if _, _, err := f.s.RevokeAccess(ctx, f.owner, f.prod.ID, "orders-prod"); err != nil {
			t.Fatal(err)
		}
		f.clock = f.clock.Add(2*time.Hour + time.Minute)
		other := f.replica(t)
		total := 0
		for _, s := range []*Store{f.s, other, f.s} {
			n, err := s.SweepExpiring(ctx)
			if err != nil {
				t.Fatal(err)
			}
			total += n
		}
		if total != 1 {
			t.Fatalf("raised %d times, want once for the grant still open", total)
		}
		if n := countRows(t, f, "alert_deliveries", "event_type = ?", models.EventExpiring); n != 2 {
			t.Fatalf("%d expiring deliveries, want 2", n)
		}
	})
}
