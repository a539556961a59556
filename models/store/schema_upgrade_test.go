package store

import (
	"context"
	"testing"
	"time"

	"supportaccess/models"
)

// TestMigrateKeepsTheDataOfAnOlderSchema: a database built at version 6
// (before projects' versions, credentials' request keys and the other
// organization settings) and holding data migrates to the newest version
// with every row intact, the new columns at their defaults, and then
// works: a grant change bumps the new version column.
func TestMigrateKeepsTheDataOfAnOlderSchema(t *testing.T) {
	for _, b := range backends {
		t.Run(string(b), func(t *testing.T) {
			ctx := context.Background()
			now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
			s, err := OpenWith(testDSN(t, b), Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			s.Now = func() time.Time { return now }
			const old = 6
			if err := s.migrateTo(ctx, old); err != nil {
				t.Fatal(err)
			}
			if v, err := s.SchemaVersion(ctx); err != nil || v != old {
				t.Fatalf("schema version %d (%v), want %d", v, err, old)
			}
			org, prj, cl, usr, gr, key, sa, ev := models.NewID(now), models.NewID(now), models.NewID(now), models.NewID(now),
				models.NewID(now), models.NewID(now), models.NewID(now), models.NewID(now)
			at, expires := int64(models.At(now.Add(-time.Hour))), int64(models.At(now.Add(time.Hour)))
			for _, st := range []struct {
				sql  string
				args []any
			}{
				{`INSERT INTO organizations (id, name, block_support_access, created_at) VALUES (?, 'Initech', TRUE, ?)`, []any{org, at}},
				{`INSERT INTO projects (id, org_id, name, created_at) VALUES (?, ?, 'Billing', ?)`, []any{prj, org, at}},
				{`INSERT INTO clusters (id, project_id, name, cluster_type, mongo_db_version, state_name, paused, sync_enabled, created_at)
					VALUES (?, ?, 'ledger', 'REPLICASET', '7.0.12', 'IDLE', FALSE, TRUE, ?)`, []any{cl, prj, at}},
				{`INSERT INTO users (id, email, password_hash, created_at) VALUES (?, 'peter@initech.test', 'x', ?)`, []any{usr, at}},
				{`INSERT INTO org_memberships (user_id, org_id, role) VALUES (?, ?, ?)`, []any{usr, org, string(models.OrgOwner)}},
				{`INSERT INTO grants (id, cluster_id, project_id, org_id, type, expires_at, created_at, created_by, request_key)
					VALUES (?, ?, ?, ?, ?, ?, ?, 'peter@initech.test', 'old-form')`, []any{gr, cl, prj, org, string(models.GrantDatabaseLogs), expires, at}},
				{`INSERT INTO events (id, org_id, project_id, cluster_id, cluster_name, type, actor_kind, grant_id, grant_type, expires_at, created_at)
					VALUES (?, ?, ?, ?, 'ledger', ?, 'USER', ?, ?, ?, ?)`, []any{ev, org, prj, cl, string(models.EventGranted), gr, string(models.GrantDatabaseLogs), expires, at}},
				{`INSERT INTO api_keys (id, org_id, public_key, description, role, ha1_md5, ha1_sha256, created_at) VALUES (?, ?, 'abcdefgh', 'ci', ?, 'm', 's', ?)`, []any{key, org, string(models.OrgReadOnly), at}},
				{`INSERT INTO service_accounts (id, org_id, client_id, description, role, secret_hash, created_at) VALUES (?, ?, 'mdb_sa_id_1', 'deploy', ?, 'h', ?)`, []any{sa, org, string(models.OrgOwner), at}},
			} {
				if err := s.db.Exec(st.sql, st.args...).Error; err != nil {
					t.Fatalf("%s: %v", st.sql, err)
				}
			}

			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if v, err := s.SchemaVersion(ctx); err != nil || v != migrations[len(migrations)-1].version {
				t.Fatalf("schema version %d (%v) after Migrate, want %d", v, err, migrations[len(migrations)-1].version)
			}
			op := models.Operator(org)
			cv, err := s.ClusterByName(ctx, op, prj, "ledger")
			if err != nil {
				t.Fatal(err)
			}
			if cv.Grant == nil || cv.Grant.ID != gr || cv.Grant.Type != models.GrantDatabaseLogs || !cv.Cluster.SyncEnabled || !cv.Org.BlockSupportAccess {
				t.Fatalf("after Migrate: cluster %+v, grant %+v, org %+v", cv.Cluster, cv.Grant, cv.Org)
			}
			settings, err := s.OrgSettings(ctx, op, org)
			if err != nil {
				t.Fatal(err)
			}
			if !settings.Org.BlockSupportAccess || settings.GenAIFeaturesEnabled {
				t.Fatalf("settings after Migrate: %+v, want the block on and generative AI off (the default)", settings)
			}
			keys, err := s.APIKeys(ctx, op, org)
			if err != nil {
				t.Fatal(err)
			}
			if len(keys) != 1 || keys[0].ID != key || keys[0].RequestKey != nil {
				t.Fatalf("API keys after Migrate: %+v, want the one key with no request key", keys)
			}
			var nullKeys, version int64
			if err := s.db.Raw(`SELECT COUNT(*) FROM service_accounts WHERE id = ? AND request_key IS NULL`, sa).Scan(&nullKeys).Error; err != nil {
				t.Fatal(err)
			}
			if err := s.db.Raw(`SELECT version FROM projects WHERE id = ?`, prj).Scan(&version).Error; err != nil {
				t.Fatal(err)
			}
			if nullKeys != 1 || version != 0 {
				t.Fatalf("new columns: %d service accounts without a request key (want 1), project version %d (want 0)", nullKeys, version)
			}
			evs, _, err := s.Events(ctx, op, models.EventFilter{OrgID: org, PerPage: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != 1 || evs[0].ID != ev || evs[0].GrantID != gr {
				t.Fatalf("events after Migrate: %+v", evs)
			}

			// The upgraded database works: the old form's key still
			// answers for its grant, and a new grant bumps the version.
			owner := models.Actor{Principal: op}
			again, err := s.GrantAccess(ctx, owner, models.GrantRequest{ProjectID: prj, ClusterName: "ledger", Type: models.GrantDatabaseLogs, RequestKey: "old-form"})
			if err != nil || !again.Repeated || again.Grant.ID != gr || again.State != models.GrantInForce {
				t.Fatalf("the old form's request key: %+v, %v", again, err)
			}
			res, err := s.GrantAccess(ctx, owner, models.GrantRequest{ProjectID: prj, ClusterName: "ledger", Type: models.GrantInfrastructure})
			if err != nil || res.Replaced == nil || res.Replaced.ID != gr {
				t.Fatalf("a grant after Migrate: %+v, %v", res, err)
			}
			if err := s.db.Raw(`SELECT version FROM projects WHERE id = ?`, prj).Scan(&version).Error; err != nil {
				t.Fatal(err)
			}
			if version == 0 {
				t.Fatal("a grant after Migrate left the project's version at 0")
			}
		})
	}
}
