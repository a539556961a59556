package store

import (
	"context"
	"testing"
	"time"

	"supportaccess/models"
)

// TestRetentionSweep: decisions and events older than their organization's
// retention go, in several batches, and nothing younger; a shorter
// retention set by the owner takes effect at the next sweep; expired
// sessions and OAuth tokens go, live ones stay.
func TestRetentionSweep(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		// 2,000 decisions over 500 days, in ten windows of 50 days, each
		// sealed as it comes (the record is removed a sealed batch at a
		// time, PruneRecord): 400 past the default 400 days, 1,600 past
		// 100 days (over three batches of 500).
		day := 24 * time.Hour
		for w := range 10 {
			from := f.clock.Add(-time.Duration(500-50*w) * day)
			if err := f.s.SeedDecisions(ctx, f.org.ID, 200, from, from.Add(50*day-time.Millisecond), nil); err != nil {
				t.Fatal(err)
			}
			for i, age := range []int{10, 200, 450} {
				at := f.clock.Add(-time.Duration(age) * day)
				if at.Before(from) || !at.Before(from.Add(50*day)) {
					continue
				}
				if err := f.s.db.Exec(`INSERT INTO events (id, org_id, type, actor_kind, created_at) VALUES (?, ?, ?, ?, ?)`,
					models.NewID(f.clock)+"", f.org.ID, string(models.EventBlockOn), string(models.ActorSystem), models.At(at)).Error; err != nil {
					t.Fatalf("event %d: %v", i, err)
				}
			}
			f.sealAll(t, f.s, nil)
		}
		older := func(table string, days int) (old, young int64) {
			t.Helper()
			cut := models.At(models.RetentionCutoff(f.clock, days))
			if err := f.s.db.Table(table).Where("org_id = ? AND created_at < ?", f.org.ID, cut).Count(&old).Error; err != nil {
				t.Fatal(err)
			}
			if err := f.s.db.Table(table).Where("org_id = ? AND created_at >= ?", f.org.ID, cut).Count(&young).Error; err != nil {
				t.Fatal(err)
			}
			return old, young
		}
		oldD, youngD := older("access_decisions", models.DefaultRetentionDays)
		oldE, youngE := older("events", models.DefaultRetentionDays)
		if oldD < 300 || oldE != 1 {
			t.Fatalf("fixture: %d old decisions, %d old events", oldD, oldE)
		}
		removed, err := f.s.SweepRetention(ctx)
		if err != nil || removed != oldD+oldE {
			t.Fatalf("sweep removed %d (%v), want %d", removed, err, oldD+oldE)
		}
		if o, y := older("access_decisions", models.DefaultRetentionDays); o != 0 || y != youngD {
			t.Fatalf("after the sweep: %d old decisions, %d young of %d", o, y, youngD)
		}
		if o, y := older("events", models.DefaultRetentionDays); o != 0 || y != youngE {
			t.Fatalf("after the sweep: %d old events, %d young of %d", o, y, youngE)
		}

		// A shorter retention, the owner's to set, within bounds.
		if err := f.s.SetRetentionDays(ctx, f.owner, f.org.ID, 0); models.ErrorCode(err) != models.EINVALID {
			t.Fatalf("5 days: %v", err)
		}
		if err := f.s.SetRetentionDays(ctx, f.owner, f.org.ID, 100); err != nil {
			t.Fatal(err)
		}
		days, err := f.s.RetentionDays(ctx)
		if err != nil || days[f.org.ID] != 100 {
			t.Fatalf("retention %v (%v)", days, err)
		}
		oldD, youngD = older("access_decisions", 100)
		if oldD <= 2*retentionBatch {
			t.Fatalf("fixture: %d decisions past 100 days, want more than two batches", oldD)
		}
		if removed, err = f.s.SweepRetention(ctx); err != nil || removed != oldD+1 {
			t.Fatalf("second sweep removed %d (%v), want %d", removed, err, oldD+1)
		}
		if o, y := older("access_decisions", 100); o != 0 || y != youngD {
			t.Fatalf("after the second sweep: %d old, %d young of %d", o, y, youngD)
		}

		// Expired sessions and tokens.
		stale := mustSession(t, f, f.owner.ID)
		sa, secret, err := f.s.CreateServiceAccount(ctx, f.owner, models.CredentialRequest{OrgID: f.org.ID, Description: "tf", Role: models.OrgReadOnly})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.s.IssueAccessToken(ctx, sa.ClientID, secret); err != nil {
			t.Fatal(err)
		}
		f.clock = f.clock.Add(models.SessionIdleTimeout + time.Minute)
		fresh := mustSession(t, f, f.owner.ID)
		// Another account's: issuing a token removes its own account's
		// expired ones.
		sa2, secret2, err := f.s.CreateServiceAccount(ctx, f.owner, models.CredentialRequest{OrgID: f.org.ID, Description: "tf 2", Role: models.OrgReadOnly})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.s.IssueAccessToken(ctx, sa2.ClientID, secret2); err != nil {
			t.Fatal(err)
		}
		// A login stopped at its second factor and a passkey ceremony, one
		// of each past its time and one not.
		at := int64(models.At(f.clock))
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO pending_logins (id, user_id, stage, created_at, expires_at) VALUES (?, ?, 'totp', ?, ?)`, []any{"pl-old", f.owner.ID, at - 600, at - 1}},
			{`INSERT INTO pending_logins (id, user_id, stage, created_at, expires_at) VALUES (?, ?, 'totp', ?, ?)`, []any{"pl-new", f.owner.ID, at, at + 600}},
			{`INSERT INTO webauthn_ceremonies (user_id, purpose, data, expires_at) VALUES (?, 'login', '{}', ?)`, []any{f.owner.ID, at - 1}},
			{`INSERT INTO webauthn_ceremonies (user_id, purpose, data, expires_at) VALUES (?, 'register', '{}', ?)`, []any{f.owner.ID, at + 600}},
		} {
			if err := f.s.db.Exec(q.sql, q.args...).Error; err != nil {
				t.Fatal(err)
			}
		}
		if n, err := f.s.PruneExpiredLogins(ctx); err != nil || n != 4 {
			t.Fatalf("pruned %d (%v), want the stale session, the old token, the old half login and the old ceremony", n, err)
		}
		var halves, ceremonies int64
		if err := f.s.db.Table("pending_logins").Where("id = 'pl-new'").Count(&halves).Error; err != nil {
			t.Fatal(err)
		}
		if err := f.s.db.Table("webauthn_ceremonies").Where("purpose = 'register'").Count(&ceremonies).Error; err != nil {
			t.Fatal(err)
		}
		if halves != 1 || ceremonies != 1 {
			t.Fatalf("the live half login (%d) or ceremony (%d) went", halves, ceremonies)
		}
		if _, _, err := f.s.ResumeSession(ctx, fresh.ID); err != nil {
			t.Fatalf("the live session went: %v", err)
		}
		var sessions, tokens int64
		if err := f.s.db.Table("sessions").Where("id = ?", models.SecretHash(stale.ID)).Count(&sessions).Error; err != nil {
			t.Fatal(err)
		}
		if err := f.s.db.Table("access_tokens").Count(&tokens).Error; err != nil {
			t.Fatal(err)
		}
		if sessions != 0 || tokens != 1 {
			t.Fatalf("%d stale sessions, %d tokens left", sessions, tokens)
		}
	})
}
