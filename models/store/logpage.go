package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"supportaccess/models"
)

// The two logs (the Support Access Log's decisions, the activity feed's
// events) grow by millions of rows, so their pages are read by keyset:
// newest first by (created_at, id), from the row a cursor names, never by
// counting rows off. Every filter the pages offer has an index led by the
// organization and ending in created_at (schema.go, version 40), so that a
// page reads about as many index entries as it shows.

// logScope builds fresh queries of the rows a log's filter selects; each
// statement of a page starts from a new one.
type logScope struct {
	// filter is the query of the filter but for its time range, which
	// min and max give (zero: none).
	filter   func() *gorm.DB
	min, max time.Time
}

// query is the query of the rows the filter selects.
func (l logScope) query() *gorm.DB { return inTimeRange(l.filter(), l.min, l.max) }

// logCountUpTo is how far a page counts the rows that match: past it, the
// page says "more than" rather than reading the rest of the log. With
// more than one filter only the first is read from its index, the others
// from each row (logNarrower), so the count stops sooner.
const (
	logCountUpTo          = 1000
	logCountUpToUnindexed = 250
)

// countLimit is how far a page with n filters counts.
func countLimit(n int) int {
	if n > 1 {
		return logCountUpToUnindexed
	}
	return logCountUpTo
}

// logNarrower adds a log query's equality filters, most selective first.
// SQLite plans without statistics: given a case number and an outcome, it
// may walk the outcome's index and read half the log. So only the first
// filter may use its index; the others are written +col, a no-op on the
// value that SQLite cannot serve from an index. PostgreSQL keeps
// statistics and chooses by itself.
type logNarrower struct {
	sqlite bool
	led    bool
}

func (n *logNarrower) where(q *gorm.DB, col, op string, v any) *gorm.DB {
	if n.led && n.sqlite {
		col = "+" + col
	}
	n.led = true
	return q.Where(col+" "+op+" ?", v)
}

// afterKey narrows q to the rows older (or, with older false, newer) than
// the row at (at, id), in the order of the log's indexes.
func afterKey(q *gorm.DB, at int64, id string, older bool) *gorm.DB {
	if older {
		return q.Where("created_at <= ? AND (created_at < ? OR id < ?)", at, at, id).Order("created_at DESC, id DESC")
	}
	return q.Where("created_at >= ? AND (created_at > ? OR id > ?)", at, at, id).Order("created_at ASC, id ASC")
}

// readLogPage reads one page of a log from cur. A cursor naming a row the
// filter does not select (removed by retention, or of another
// organization) reads the newest page, as no cursor does.
func readLogPage[T any](ctx context.Context, s *Store, scope logScope, cur models.LogCursor, perPage, countUpTo int) (models.LogPage[T], error) {
	var page models.LogPage[T]
	older, id := true, cur.Before
	if id == "" && cur.After != "" {
		older, id = false, cur.After
	}
	q := scope.query().Order("created_at DESC, id DESC")
	if id != "" {
		var at []int64
		if err := scope.query().Where("id = ?", id).Limit(1).Pluck("created_at", &at).Error; err != nil {
			return page, err
		}
		if len(at) == 1 {
			q = afterKey(scope.query(), at[0], id, older)
			page.Newer, page.Older = older, !older
		} else {
			older = true
		}
	}
	var rows []T
	if err := q.Limit(perPage + 1).Find(&rows).Error; err != nil {
		return page, err
	}
	more := len(rows) > perPage
	rows = rows[:min(len(rows), perPage)]
	if older {
		page.Older = more
	} else {
		slices.Reverse(rows)
		page.Newer = more
	}
	page.Rows = rows
	var err error
	page.Total, page.TotalOver, err = countLogUpTo(ctx, s, scope, countUpTo)
	return page, err
}

// countLogUpTo counts the rows scope selects, reading at most limit+1 of
// them: over is true when more than limit match.
func countLogUpTo(ctx context.Context, s *Store, scope logScope, limit int) (int64, bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Table("(?) AS m", scope.query().Select("1").Limit(limit+1)).Count(&n).Error
	if err != nil {
		return 0, false, fmt.Errorf("count log rows: %w", err)
	}
	if n > int64(limit) {
		return int64(limit), true, nil
	}
	return n, false, nil
}

// logBatch is how many rows an export reads per statement (about; see
// logbatches.go): each batch is a short read of its own, so that a long
// export holds no snapshot that would keep SQLite's log from being
// checkpointed, and memory stays flat. At most 2 × exportReaders + 1
// batches are held at once, and the heap may grow to five times what is
// live (GOGC 400, cmd_serve.go).
const logBatch = 500

// logColumns is how an export reads a log's rows: by a select list and
// the scan targets it comes from (columnsOf), which costs a third of
// GORM's reflection per row, and the key of a row (created_at, id).
type logColumns[T any] struct {
	list    string
	targets func(*T) []any
	key     func(*T) (int64, string)
}
