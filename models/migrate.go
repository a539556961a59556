package models

import (
	"context"
	"fmt"
	"sort"

	"gorm.io/gorm"
)

// migration is one versioned schema step. The SQL is written to run on both
// SQLite and PostgreSQL: text ids, BIGINT instants, BOOLEAN flags.
type migration struct {
	version int
	stmts   []string
}

// migrations holds every schema step in version order. Files that add
// tables for one feature register their own step with registerMigration.
var migrations = []migration{
	{1, []string{
		`CREATE TABLE organizations (id TEXT PRIMARY KEY, name TEXT NOT NULL, block_support_access BOOLEAN NOT NULL DEFAULT FALSE, created_at BIGINT NOT NULL)`,
		`CREATE UNIQUE INDEX organizations_name ON organizations(name)`,
		`CREATE TABLE projects (id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id), name TEXT NOT NULL, created_at BIGINT NOT NULL)`,
		`CREATE UNIQUE INDEX projects_org_name ON projects(org_id, name)`,
		`CREATE TABLE clusters (id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id), name TEXT NOT NULL, cluster_type TEXT NOT NULL, mongo_db_version TEXT NOT NULL, state_name TEXT NOT NULL, paused BOOLEAN NOT NULL DEFAULT FALSE, sync_enabled BOOLEAN NOT NULL DEFAULT FALSE, created_at BIGINT NOT NULL)`,
		`CREATE UNIQUE INDEX clusters_project_name ON clusters(project_id, name)`,
		`CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL, password_hash TEXT NOT NULL, created_at BIGINT NOT NULL)`,
		`CREATE UNIQUE INDEX users_email ON users(email)`,
		`CREATE TABLE org_memberships (user_id TEXT NOT NULL REFERENCES users(id), org_id TEXT NOT NULL REFERENCES organizations(id), role TEXT NOT NULL, PRIMARY KEY (user_id, org_id))`,
		`CREATE TABLE project_memberships (user_id TEXT NOT NULL REFERENCES users(id), project_id TEXT NOT NULL REFERENCES projects(id), role TEXT NOT NULL, PRIMARY KEY (user_id, project_id))`,
		`CREATE TABLE grants (id TEXT PRIMARY KEY, cluster_id TEXT NOT NULL REFERENCES clusters(id), project_id TEXT NOT NULL, org_id TEXT NOT NULL, type TEXT NOT NULL, expires_at BIGINT NOT NULL, created_at BIGINT NOT NULL, created_by TEXT NOT NULL, closed_at BIGINT NOT NULL DEFAULT 0, close_reason TEXT NOT NULL DEFAULT '', request_key TEXT)`,
		// The database itself allows one open grant per cluster.
		`CREATE UNIQUE INDEX grants_one_open_per_cluster ON grants(cluster_id) WHERE closed_at = 0`,
		`CREATE UNIQUE INDEX grants_request_key ON grants(request_key)`,
		`CREATE INDEX grants_open_expiry ON grants(expires_at) WHERE closed_at = 0`,
		`CREATE TABLE events (id TEXT PRIMARY KEY, org_id TEXT NOT NULL, project_id TEXT NOT NULL DEFAULT '', cluster_id TEXT NOT NULL DEFAULT '', cluster_name TEXT NOT NULL DEFAULT '', type TEXT NOT NULL, actor_kind TEXT NOT NULL, actor_id TEXT NOT NULL DEFAULT '', actor_name TEXT NOT NULL DEFAULT '', remote_addr TEXT NOT NULL DEFAULT '', grant_id TEXT NOT NULL DEFAULT '', grant_type TEXT NOT NULL DEFAULT '', expires_at BIGINT NOT NULL DEFAULT 0, detail TEXT NOT NULL DEFAULT '', created_at BIGINT NOT NULL)`,
		`CREATE INDEX events_org_created ON events(org_id, created_at)`,
		`CREATE INDEX events_grant ON events(grant_id)`,
		`CREATE TABLE sessions (id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), csrf_token TEXT NOT NULL, created_at BIGINT NOT NULL, last_seen BIGINT NOT NULL)`,
		`CREATE INDEX sessions_user ON sessions(user_id)`,
		`CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
	}},
}

// registerMigration adds a schema step; called from init functions of the
// files that own the tables. Versions must be unique.
func registerMigration(version int, stmts ...string) {
	for _, m := range migrations {
		if m.version == version {
			panic(fmt.Sprintf("migration %d registered twice", version))
		}
	}
	migrations = append(migrations, migration{version, stmts})
	sort.Slice(migrations, func(i, j int) bool { return migrations[i].version < migrations[j].version })
}

// Migrate brings the schema to the newest version. Each step runs in a
// transaction with its version row; on PostgreSQL an advisory lock makes
// replicas that start together take turns, and on SQLite the immediate
// transaction does the same.
func (s *Store) Migrate(ctx context.Context) error {
	db := s.DB.WithContext(ctx)
	// Even CREATE TABLE IF NOT EXISTS fails on PostgreSQL when two sessions
	// run it at once (both insert the type name), so it waits for the lock too.
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := s.migrationLock(tx); err != nil {
			return err
		}
		return tx.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`).Error
	})
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, m := range migrations {
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := s.migrationLock(tx); err != nil {
				return err
			}
			var n int64
			if err := tx.Raw(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			for _, stmt := range m.stmts {
				if err := tx.Exec(stmt).Error; err != nil {
					return fmt.Errorf("version %d: %w", m.version, err)
				}
			}
			return tx.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, m.version, At(s.now())).Error
		})
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	return nil
}

// migrationLock makes concurrent migrators take turns on PostgreSQL: the
// advisory lock lasts until the transaction ends. On SQLite the immediate
// transaction already holds the database's one write lock.
func (s *Store) migrationLock(tx *gorm.DB) error {
	if !s.IsPostgres() {
		return nil
	}
	return tx.Exec(`SELECT pg_advisory_xact_lock(727274)`).Error
}

// SchemaVersion returns the newest applied migration.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.DB.WithContext(ctx).Raw(`SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v).Error
	return v, err
}
