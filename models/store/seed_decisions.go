package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"supportaccess/models"
)

// Bulk loading a Support Access Log, for the bench: millions of recorded
// decisions, spread over a time span, as support tooling would have
// left them. Rows go in multi-row INSERTs of seedRowsPerInsert, many to a
// transaction, in time order, so that every index but the id's grows at
// its end or at one end per value.

const (
	seedRowsPerInsert = 500    // 20 columns: 10,000 variables, under both databases' limits
	seedRowsPerTx     = 100000 // one commit (and one log sync) per 100,000 rows
)

// SeedDecisions records n made-up access decisions about orgID's
// clusters, the oldest at from and the newest at to, and calls progress
// after each transaction with the number recorded so far. The same n,
// organization and span give the same log (a fixed random seed), but for
// the ids. It bypasses every rule of DecideAccess: for load tests only.
func (s *Store) SeedDecisions(ctx context.Context, orgID string, n int, from, to time.Time, progress func(int)) error {
	if n < 0 || !to.After(from) {
		return models.Errorf(models.EINVALID, "A decision seed needs a count of 0 or more and a time span.")
	}
	var clusters []models.Cluster
	err := s.db.WithContext(ctx).Model(&models.Cluster{}).Joins("JOIN projects p ON p.id = clusters.project_id").
		Where("p.org_id = ?", orgID).Order("clusters.id").Find(&clusters).Error
	if err != nil {
		return fmt.Errorf("seed decisions: %w", err)
	}
	if len(clusters) == 0 {
		return models.Errorf(models.ENOTFOUND, "The organization has no clusters to record decisions about.")
	}
	g := decisionSeeder{rng: rand.New(rand.NewPCG(uint64(n), 17)), orgID: orgID, clusters: clusters,
		from: from, step: to.Sub(from) / time.Duration(max(n, 1))}
	record := s.insertDecisions
	if s.IsPostgres() {
		record = s.copyDecisions
	}
	for done := 0; done < n; {
		inTx := min(seedRowsPerTx, n-done)
		if err := record(ctx, &g, done, inTx); err != nil {
			return fmt.Errorf("seed decisions: %w", err)
		}
		done += inTx
		if progress != nil {
			progress(done)
		}
	}
	if s.IsPostgres() && n > 0 {
		// What autovacuum would do some minutes later (the rows' hint
		// bits, the visibility map, the planner's statistics), so that
		// what reads the log next, the bench's queries and export among
		// them, finds it as a log in service stands rather than freshly
		// copied.
		if err := s.db.WithContext(ctx).Exec("VACUUM (ANALYZE) access_decisions").Error; err != nil {
			return fmt.Errorf("seed decisions: vacuum: %w", err)
		}
	}
	return nil
}

// insertDecisions records rows decisions of g, the first of them the
// first-th of the seed, on SQLite: multi-row INSERTs in one transaction,
// then the write-ahead log emptied.
func (s *Store) insertDecisions(ctx context.Context, g *decisionSeeder, first, rows int) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// The eight indexes' pages being written stay in memory
		// (256 MB); the connection's usual 8 MB is back after.
		if err := tx.Exec("PRAGMA cache_size = -262144").Error; err != nil {
			return err
		}
		defer tx.Exec("PRAGMA cache_size = -8000")
		for i := 0; i < rows; i += seedRowsPerInsert {
			stmt, args := g.insert(first+i, min(seedRowsPerInsert, rows-i))
			if _, err := exec(tx, stmt, args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Without this the write-ahead log held all ten million rows
	// (6.8 GB) until the last connection closed.
	if err := s.truncateLog(ctx); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// copyDecisions records rows decisions of g, the first of them the
// first-th of the seed, with one COPY in a transaction of its own: on
// PostgreSQL the multi-row INSERTs recorded about 6,000 rows a second,
// each statement parsed and planned with its 10,000 parameters, and ten
// million rows took half an hour.
func (s *Store) copyDecisions(ctx context.Context, g *decisionSeeder, first, rows int) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return withPgx(conn, func(pc *pgx.Conn) error {
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer func() { _ = tx.Rollback(ctx) }()
		src := &seedCopy{g: g, next: first, end: first + rows}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"access_decisions"}, insertedDecisionColumns, src); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
}

// insertedDecisionColumns are the columns of qInsertDecision, in its order (the
// order of decisionArgs).
var insertedDecisionColumns = func() []string {
	head, _, _ := strings.Cut(qInsertDecision.sqlite, ")")
	_, list, _ := strings.Cut(head, "(")
	cols := strings.Split(list, ",")
	for i := range cols {
		cols[i] = strings.TrimSpace(cols[i])
	}
	return cols
}()

// seedCopy hands the seed's decisions next to end-1 to a COPY, one row at
// a time.
type seedCopy struct {
	g         *decisionSeeder
	next, end int
	row       []any
}

func (c *seedCopy) Next() bool {
	if c.next >= c.end {
		return false
	}
	d := c.g.decision(c.g.from.Add(time.Duration(c.next) * c.g.step))
	c.row = decisionArgs(&d)
	c.next++
	return true
}

func (c *seedCopy) Values() ([]any, error) { return c.row, nil }

func (c *seedCopy) Err() error { return nil }

// decisionSeeder makes up the decisions of SeedDecisions.
type decisionSeeder struct {
	rng      *rand.Rand
	orgID    string
	clusters []models.Cluster
	from     time.Time
	step     time.Duration
	args     []any
	stmts    map[int]query
}

var seedJustifications = []string{"Investigating slow queries reported by the customer", "Replica set election during maintenance",
	"Customer asked for help with a failed restore", "Disk usage alert on the primary", "Reviewing audit events for the case"}

// insert is the statement and arguments recording rows decisions, the
// first of them the first-th of the seed.
func (g *decisionSeeder) insert(first, rows int) (query, []any) {
	if g.stmts == nil {
		g.stmts = map[int]query{}
	}
	stmt, ok := g.stmts[rows]
	if !ok {
		head, _, _ := strings.Cut(qInsertDecision.sqlite, "VALUES")
		one := "(" + strings.TrimSuffix(strings.Repeat("?, ", 20), ", ") + ")"
		stmt = newQuery(head+"VALUES "+strings.TrimSuffix(strings.Repeat(one+", ", rows), ", "), "")
		g.stmts[rows] = stmt
	}
	g.args = g.args[:0]
	for i := range rows {
		at := g.from.Add(time.Duration(first+i) * g.step)
		d := g.decision(at)
		g.args = append(g.args, decisionArgs(&d)...)
	}
	return stmt, g.args
}

// seedScopes weighs models.Scopes: half the questions are about
// infrastructure, one in twenty about sync data.
var seedScopes = []int{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4}

// decision makes up one decision taken at at: seven cases are open each
// hour, and a third of the decisions are taken under a grant, which holds
// a cluster for a day; the others are denied.
func (g *decisionSeeder) decision(at time.Time) models.AccessDecision {
	r := g.rng
	c := g.clusters[r.IntN(len(g.clusters))]
	staff := r.IntN(40)
	d := models.AccessDecision{ID: models.NewID(at), OrgID: g.orgID, ProjectID: c.ProjectID, ClusterID: c.ID, ClusterName: c.Name,
		StaffID: fmt.Sprintf("%024x", staff+1), StaffEmail: fmt.Sprintf("tse-%02d@provider.test", staff),
		CaseNumber: fmt.Sprintf("%08d", int(at.Unix()/3600)*7+r.IntN(7)), Justification: seedJustifications[r.IntN(len(seedJustifications))],
		Scope: models.Scopes[seedScopes[r.IntN(len(seedScopes))]], Via: models.ViaAPI, Blocked: true,
		RemoteAddr: fmt.Sprintf("10.%d.%d.%d", staff, r.IntN(256), r.IntN(256)), CreatedAt: models.At(at)}
	if r.IntN(3) == 0 {
		day := at.Truncate(24 * time.Hour)
		d.GrantID = fmt.Sprintf("%08x%s", uint32(day.Unix()), c.ID[8:])
		d.GrantType, d.GrantExpiresAt = models.GrantInfrastructure, models.At(day.Add(24*time.Hour))
		d.Allowed, d.ReasonCode, d.Reason = true, models.ReasonGrantCovers, "A grant in force covers this scope."
	} else {
		d.ReasonCode, d.Reason = models.ReasonNoGrant, "Support access is blocked and no grant is in force."
	}
	return d
}

// truncateLog copies SQLite's write-ahead log back and empties it. A
// checkpoint that finds another one running (a server's checkpointer on
// the same file, or the store's own) or a reader in its way answers busy
// rather than wait: it is tried again, for up to a second.
func (s *Store) truncateLog(ctx context.Context) error {
	for try := 0; ; try++ {
		var busy, frames, copied int64
		if err := s.db.WithContext(ctx).Raw("PRAGMA wal_checkpoint(TRUNCATE)").Row().Scan(&busy, &frames, &copied); err != nil {
			return err
		}
		if busy == 0 || try == 50 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}
