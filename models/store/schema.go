package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

// migration is one versioned schema step. The SQL is written to run on both
// SQLite and PostgreSQL: text ids, BIGINT instants, BOOLEAN flags.
// A statement that starts with onlySQLite or onlyPostgres runs on that
// database only, for what the two spell apart (a byte column's type, a
// column that only one of them needs).
type migration struct {
	version int
	stmts   []string
}

// fills are the steps that write rows the SQL cannot make alike on both
// databases, by version: each runs after its version's statements, in the
// same transaction.
var fills = map[int]func(tx *gorm.DB, now time.Time) error{
	30: fillDefaultAlerts,
}

// The markers of a statement for one database (migration).
const (
	onlySQLite   = "-- sqlite only\n"
	onlyPostgres = "-- postgres only\n"
)

// migrations is the schema: every step, in version order, each applied
// once (Migrate). A new step goes at the end with the next version; a
// step that has shipped never changes, since databases already hold it.
// Versions 4 and 5 were never used.
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
	{2, []string{
		// Support employees are their own kind of principal: no password,
		// no console session, only a bearer token of which we keep the hash.
		`CREATE TABLE support_staff (id TEXT PRIMARY KEY, email TEXT NOT NULL, token_hash TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, revoked_at BIGINT NOT NULL DEFAULT 0)`,
		`CREATE UNIQUE INDEX support_staff_email ON support_staff(email)`,
		`CREATE UNIQUE INDEX support_staff_token ON support_staff(token_hash)`,
		// Every access decision, allowed or denied, as the customer reads it.
		`CREATE TABLE access_decisions (id TEXT PRIMARY KEY, org_id TEXT NOT NULL, project_id TEXT NOT NULL, cluster_id TEXT NOT NULL, cluster_name TEXT NOT NULL, staff_id TEXT NOT NULL, staff_email TEXT NOT NULL, case_number TEXT NOT NULL DEFAULT '', justification TEXT NOT NULL DEFAULT '', scope TEXT NOT NULL, allowed BOOLEAN NOT NULL, reason_code TEXT NOT NULL, reason TEXT NOT NULL, blocked BOOLEAN NOT NULL, grant_id TEXT NOT NULL DEFAULT '', grant_type TEXT NOT NULL DEFAULT '', grant_expires_at BIGINT NOT NULL DEFAULT 0, via TEXT NOT NULL DEFAULT '', remote_addr TEXT NOT NULL DEFAULT '', created_at BIGINT NOT NULL)`,
		`CREATE INDEX access_decisions_org_created ON access_decisions(org_id, created_at)`,
		`CREATE INDEX access_decisions_grant ON access_decisions(grant_id)`,
	}},
	{3, []string{
		`CREATE TABLE api_keys (id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id), public_key TEXT NOT NULL, description TEXT NOT NULL, role TEXT NOT NULL, project_id TEXT NOT NULL DEFAULT '', ha1_md5 TEXT NOT NULL, ha1_sha256 TEXT NOT NULL, created_at BIGINT NOT NULL, created_by TEXT NOT NULL DEFAULT '')`,
		`CREATE UNIQUE INDEX api_keys_public_key ON api_keys(public_key)`,
		`CREATE INDEX api_keys_org ON api_keys(org_id)`,
		`CREATE TABLE service_accounts (id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id), client_id TEXT NOT NULL, description TEXT NOT NULL, role TEXT NOT NULL, project_id TEXT NOT NULL DEFAULT '', secret_hash TEXT NOT NULL, created_at BIGINT NOT NULL, created_by TEXT NOT NULL DEFAULT '')`,
		`CREATE UNIQUE INDEX service_accounts_client_id ON service_accounts(client_id)`,
		`CREATE INDEX service_accounts_org ON service_accounts(org_id)`,
		`CREATE TABLE access_tokens (token_hash TEXT PRIMARY KEY, service_account_id TEXT NOT NULL, expires_at BIGINT NOT NULL, created_at BIGINT NOT NULL)`,
		`CREATE INDEX access_tokens_account ON access_tokens(service_account_id)`,
		// One row per (nonce, nonce count) the server accepted: a second
		// insert of the same pair is a replay, on whichever replica it lands.
		`CREATE TABLE digest_nonce_uses (nonce TEXT NOT NULL, nc BIGINT NOT NULL, expires_at BIGINT NOT NULL, PRIMARY KEY (nonce, nc))`,
		`CREATE INDEX digest_nonce_uses_expiry ON digest_nonce_uses(expires_at)`,
	}},
	// Failed logins, counted by account and by address (login.go).
	{6, []string{
		`CREATE TABLE login_failures (id TEXT PRIMARY KEY, email TEXT NOT NULL, remote_addr TEXT NOT NULL, at BIGINT NOT NULL)`,
		`CREATE INDEX login_failures_email_at ON login_failures(email, at)`,
		`CREATE INDEX login_failures_addr_at ON login_failures(remote_addr, at)`,
	}},
	// A project's version, which every change to its clusters or their
	// grants bumps, so that a kept cluster list knows it is current
	// (clustercache.go).
	{7, []string{
		`ALTER TABLE projects ADD COLUMN version BIGINT NOT NULL DEFAULT 0`,
		// The version of an organization's projects (Projects) is read
		// from the index alone.
		`CREATE INDEX projects_org_version ON projects(org_id, version)`,
	}},
	// The request key of the console form that made a credential: the
	// database itself lets one form create one credential, whichever
	// replica each submission lands on. NULL for credentials made before,
	// or by operator commands. Unique per organization, so that a key
	// seen in one organization means nothing in another.
	{8, []string{
		`ALTER TABLE api_keys ADD COLUMN request_key TEXT`,
		`CREATE UNIQUE INDEX api_keys_request_key ON api_keys(org_id, request_key) WHERE request_key IS NOT NULL`,
		`ALTER TABLE service_accounts ADD COLUMN request_key TEXT`,
		`CREATE UNIQUE INDEX service_accounts_request_key ON service_accounts(org_id, request_key) WHERE request_key IS NOT NULL`,
	}},
	// Most decisions are taken under no grant (standing access, or none in
	// force); the index by grant leaves them out, which spares every such
	// decision an index insert. A query by grant says grant_id <> '' too,
	// which is how SQLite knows it may use a partial index.
	{9, []string{
		`DROP INDEX access_decisions_grant`,
		`CREATE INDEX access_decisions_grant ON access_decisions(grant_id) WHERE grant_id <> ''`,
	}},
	// The organization's settings besides the block (org_settings.go):
	// generative AI features, kept as a client sends them.
	{10, []string{
		`CREATE TABLE org_settings (org_id TEXT PRIMARY KEY REFERENCES organizations(id), gen_ai_features_enabled BOOLEAN NOT NULL DEFAULT FALSE)`,
	}},
	// An account's login lock while it is in force (login.go): the one row
	// lets exactly one of the failures that cross the limit at once record
	// the lock, and unlocking removes it. A failure's device is the known
	// device it came from, which meets only its own delays.
	{11, []string{
		`CREATE TABLE login_locks (email TEXT PRIMARY KEY, until BIGINT NOT NULL)`,
		`ALTER TABLE login_failures ADD COLUMN device TEXT NOT NULL DEFAULT ''`,
	}},
	// A session's id column now holds the SHA-256 of the id the cookie
	// carries (user.go), so that a copy of the database is no live login.
	// The sessions stored before hold the bare id and can be told from
	// none: they end, and their users log in again.
	{12, []string{
		`DELETE FROM sessions`,
	}},
	// A grant's request key is unique within its organization only: one
	// tenant's form key can neither collide with nor reveal another's.
	{13, []string{
		`DROP INDEX grants_request_key`,
		`CREATE UNIQUE INDEX grants_org_request_key ON grants(org_id, request_key) WHERE request_key IS NOT NULL`,
	}},
	// The request key of a form that extended a grant in place
	// (grant_put.go): a replay of it says what became of that grant
	// instead of extending again, as a replayed grant form does.
	{14, []string{
		`CREATE TABLE grant_extensions (org_id TEXT NOT NULL, request_key TEXT NOT NULL, grant_id TEXT NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (org_id, request_key))`,
	}},
	// Support access requests (request.go): support asks with a case
	// number, an approver decides; the grant an approval makes names its
	// request. The partial indexes serve the lapse sweep and the pending
	// requests the clusters page and the sidebar count. The policy
	// (policy.go): an organization without a row has the defaults.
	{20, []string{
		`ALTER TABLE grants ADD COLUMN request_id TEXT NOT NULL DEFAULT ''`,
		`CREATE TABLE access_requests (id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id), project_id TEXT NOT NULL, cluster_id TEXT NOT NULL REFERENCES clusters(id), cluster_name TEXT NOT NULL, staff_id TEXT NOT NULL, staff_email TEXT NOT NULL, grant_type TEXT NOT NULL, duration_hours INTEGER NOT NULL, case_number TEXT NOT NULL, justification TEXT NOT NULL DEFAULT '', status TEXT NOT NULL, created_at BIGINT NOT NULL, lapses_at BIGINT NOT NULL, decided_at BIGINT NOT NULL DEFAULT 0, decider_kind TEXT NOT NULL DEFAULT '', decider_id TEXT NOT NULL DEFAULT '', decider_name TEXT NOT NULL DEFAULT '', first_approver_id TEXT NOT NULL DEFAULT '', first_approver TEXT NOT NULL DEFAULT '', first_approved_at BIGINT NOT NULL DEFAULT 0, approved_type TEXT NOT NULL DEFAULT '', approved_hours INTEGER NOT NULL DEFAULT 0, grant_id TEXT NOT NULL DEFAULT '', deny_reason TEXT NOT NULL DEFAULT '', remote_addr TEXT NOT NULL DEFAULT '')`,
		`CREATE INDEX access_requests_org_created ON access_requests(org_id, created_at)`,
		`CREATE INDEX access_requests_pending_lapse ON access_requests(lapses_at) WHERE status = 'PENDING'`,
		`CREATE INDEX access_requests_pending ON access_requests(org_id, project_id) WHERE status = 'PENDING'`,
		`CREATE INDEX access_requests_grant ON access_requests(grant_id) WHERE grant_id <> ''`,
		`CREATE TABLE support_access_policies (org_id TEXT PRIMARY KEY REFERENCES organizations(id), max_grant_hours INTEGER NOT NULL, allowed_types TEXT NOT NULL, require_request BOOLEAN NOT NULL, second_approver_sync BOOLEAN NOT NULL, retention_days INTEGER NOT NULL)`,
	}},
	// Alerts (alert.go): the projects' alert configurations, the outbox of
	// their deliveries (written in the event's transaction, claimed with a
	// lease by one replica at a time), and the grants whose "ends within
	// the hour" alert was raised, once each. Every project existing before
	// gets the default alerts a new project starts with (fills).
	{30, alertTables},
	// An index behind every filter of the Support Access Log and the
	// activity feed, led by the organization and ending in created_at, so
	// that a page read by keyset (logpage.go) reads about the rows it
	// shows, at any depth and on any filter. The id, which breaks ties, is
	// left out: ties within a nanosecond are few, and sorting them costs
	// less than 24 bytes more in every entry of every index.
	{40, []string{
		`CREATE INDEX access_decisions_org_project ON access_decisions(org_id, project_id, created_at)`,
		`CREATE INDEX access_decisions_org_cluster ON access_decisions(org_id, cluster_name, created_at)`,
		`CREATE INDEX access_decisions_org_case ON access_decisions(org_id, case_number, created_at)`,
		`CREATE INDEX access_decisions_org_scope ON access_decisions(org_id, scope, created_at)`,
		`CREATE INDEX access_decisions_org_outcome ON access_decisions(org_id, allowed, created_at)`,
		`DROP INDEX access_decisions_grant`,
		`CREATE INDEX access_decisions_grant ON access_decisions(grant_id, created_at) WHERE grant_id <> ''`,
		`CREATE INDEX events_org_project ON events(org_id, project_id, created_at)`,
		`CREATE INDEX events_org_cluster ON events(org_id, cluster_name, created_at)`,
		`CREATE INDEX events_org_type ON events(org_id, type, created_at)`,
	}},
	// The sweep of expired OAuth tokens reads them by expiry
	// (retention.go; how long logs are kept is the support access
	// policy's retention_days, version 20).
	{41, []string{
		`CREATE INDEX access_tokens_expiry ON access_tokens(expires_at)`,
	}},
	// One-time links that let a person set their password: an invitation
	// or an owner's reset (member_link.go). The id is the SHA-256 of the
	// token the link carries. A user invited but not yet joined has an
	// empty password hash, which no password matches.
	{50, []string{
		`CREATE TABLE password_links (id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), org_id TEXT NOT NULL REFERENCES organizations(id), purpose TEXT NOT NULL, created_by TEXT NOT NULL DEFAULT '', created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, used_at BIGINT NOT NULL DEFAULT 0)`,
		`CREATE INDEX password_links_user ON password_links(user_id)`,
	}},
	// A second factor (mfa_*.go): an authenticator app's secret, its
	// recovery codes (hashed), logins that passed the password and wait
	// for the second factor, and when a session last passed one (for the
	// changes that ask for it again after a while).
	{51, []string{
		`CREATE TABLE totp_secrets (user_id TEXT PRIMARY KEY REFERENCES users(id), secret TEXT NOT NULL, confirmed_at BIGINT NOT NULL DEFAULT 0, last_step BIGINT NOT NULL DEFAULT 0, created_at BIGINT NOT NULL)`,
		`CREATE TABLE recovery_codes (id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), used_at BIGINT NOT NULL DEFAULT 0, created_at BIGINT NOT NULL)`,
		`CREATE INDEX recovery_codes_user ON recovery_codes(user_id)`,
		`CREATE TABLE pending_logins (id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), stage TEXT NOT NULL, next TEXT NOT NULL DEFAULT '', device TEXT NOT NULL DEFAULT '', created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)`,
		`CREATE INDEX pending_logins_expiry ON pending_logins(expires_at)`,
		`ALTER TABLE sessions ADD COLUMN verified_at BIGINT NOT NULL DEFAULT 0`,
		// Passkeys (WebAuthn credentials), several per user, each named;
		// the credential as the library keeps it (JSON), its signature
		// counter apart, for the regression check. A ceremony in progress
		// keeps its challenge for one use.
		`CREATE TABLE passkeys (id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), name TEXT NOT NULL, credential TEXT NOT NULL, sign_count BIGINT NOT NULL DEFAULT 0, created_at BIGINT NOT NULL, last_used_at BIGINT NOT NULL DEFAULT 0)`,
		`CREATE INDEX passkeys_user ON passkeys(user_id)`,
		`CREATE TABLE webauthn_ceremonies (user_id TEXT NOT NULL REFERENCES users(id), purpose TEXT NOT NULL, data TEXT NOT NULL, expires_at BIGINT NOT NULL, PRIMARY KEY (user_id, purpose))`,
		// "Require multi-factor authentication" (multiFactorAuthRequired).
		`ALTER TABLE org_settings ADD COLUMN mfa_required BOOLEAN NOT NULL DEFAULT FALSE`,
	}},
	// The seals of each organization's record (seal.go): the sealer's one
	// cursor, which replicas take turns on, and a row per sealed batch. On
	// SQLite the cursor is each table's rowid, which grows in commit order
	// under the single writer; on PostgreSQL it is the id of the
	// transaction that wrote the row, which the sealer passes only once
	// every older transaction has ended.
	{60, []string{
		`CREATE TABLE seal_cursor (id INTEGER PRIMARY KEY, event_mark BIGINT NOT NULL, event_id TEXT NOT NULL, decision_mark BIGINT NOT NULL, decision_id TEXT NOT NULL, floor BIGINT NOT NULL)`,
		`INSERT INTO seal_cursor (id, event_mark, event_id, decision_mark, decision_id, floor) VALUES (1, 0, '', 0, '', 0)`,
		onlySQLite + `CREATE TABLE seals (org_id TEXT NOT NULL, batch BIGINT NOT NULL, rows_count BIGINT NOT NULL, first_at BIGINT NOT NULL, last_at BIGINT NOT NULL, floor BIGINT NOT NULL, sealed_at BIGINT NOT NULL, prev_hash BLOB NOT NULL, rows_hash BLOB NOT NULL, hash BLOB NOT NULL, manifest BLOB NOT NULL, public_key BLOB NOT NULL, signature BLOB NOT NULL, pruned BOOLEAN NOT NULL DEFAULT FALSE, PRIMARY KEY (org_id, batch))`,
		onlyPostgres + `CREATE TABLE seals (org_id TEXT NOT NULL, batch BIGINT NOT NULL, rows_count BIGINT NOT NULL, first_at BIGINT NOT NULL, last_at BIGINT NOT NULL, floor BIGINT NOT NULL, sealed_at BIGINT NOT NULL, prev_hash BYTEA NOT NULL, rows_hash BYTEA NOT NULL, hash BYTEA NOT NULL, manifest BYTEA NOT NULL, public_key BYTEA NOT NULL, signature BYTEA NOT NULL, pruned BOOLEAN NOT NULL DEFAULT FALSE, PRIMARY KEY (org_id, batch))`,
		onlyPostgres + `ALTER TABLE events ADD COLUMN seal_xid BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint)`,
		onlyPostgres + `ALTER TABLE access_decisions ADD COLUMN seal_xid BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint)`,
		onlyPostgres + `CREATE INDEX events_seal ON events(seal_xid, id)`,
		onlyPostgres + `CREATE INDEX access_decisions_seal ON access_decisions(seal_xid, id)`,
	}},
	// An export carries the seals of the rows it holds (seal_export.go):
	// each seal keeps its rows' whole digests, so that the export gives
	// those of the rows its filter leaves out without reading them (seals
	// from before keep none, and an export reads their rows), and the
	// export finds the seals of a time range by their newest row.
	{61, []string{
		onlySQLite + `ALTER TABLE seals ADD COLUMN digests BLOB NOT NULL DEFAULT x''`,
		onlyPostgres + `ALTER TABLE seals ADD COLUMN digests BYTEA NOT NULL DEFAULT ''::bytea`,
		`CREATE INDEX seals_last_at ON seals(org_id, last_at, batch, first_at)`,
	}},
	// The Support Access Log's indexes by project, cluster and scope also
	// hold, after the time, the columns of the filters that may come with
	// them (logNarrower reads those from each entry): a page by cluster and
	// outcome, and its count, then read only index entries rather than a
	// row of the table for each, rows that lie all over the log (a fifth
	// of a cluster's decisions were allowed in the bench: counting 250 of
	// them read 1,250 rows, 14 ms on a cold cache, against none now).
	// Rebuilding them reads the log once, on a large log for a while.
	{70, []string{
		`DROP INDEX access_decisions_org_project`,
		`CREATE INDEX access_decisions_org_project ON access_decisions(org_id, project_id, created_at, scope, allowed)`,
		`DROP INDEX access_decisions_org_cluster`,
		`CREATE INDEX access_decisions_org_cluster ON access_decisions(org_id, cluster_name, created_at, project_id, scope, allowed)`,
		`DROP INDEX access_decisions_org_scope`,
		`CREATE INDEX access_decisions_org_scope ON access_decisions(org_id, scope, created_at, allowed)`,
	}},
}

// Migrate brings the schema to the newest version. Each step runs in a
// transaction with its version row; on PostgreSQL an advisory lock makes
// replicas that start together take turns, and on SQLite the immediate
// transaction does the same.
func (s *Store) Migrate(ctx context.Context) error {
	return s.migrateTo(ctx, migrations[len(migrations)-1].version)
}

// migrateTo applies the steps up to version last. Migrate takes them all;
// a test stops early to build a database of an older schema.
func (s *Store) migrateTo(ctx context.Context, last int) error {
	db := s.db.WithContext(ctx)
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
		if m.version > last {
			break
		}
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
				if strings.HasPrefix(stmt, onlySQLite) && s.IsPostgres() || strings.HasPrefix(stmt, onlyPostgres) && !s.IsPostgres() {
					continue
				}
				if err := tx.Exec(stmt).Error; err != nil {
					return fmt.Errorf("version %d: %w", m.version, err)
				}
			}
			if fill := fills[m.version]; fill != nil {
				if err := fill(tx, s.now()); err != nil {
					return fmt.Errorf("version %d: %w", m.version, err)
				}
			}
			return tx.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, m.version, models.At(s.now())).Error
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
	err := s.db.WithContext(ctx).Raw(`SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v).Error
	return v, err
}
