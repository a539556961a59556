package handlertest

import (
	"path/filepath"
	"testing"

	"supportaccess/models/pgtest"
)

// EachBackend runs body once on SQLite and once on PostgreSQL, each with
// a fresh API fixture, as the store's suite does: without a PostgreSQL
// (.ci/with-postgres) the second run fails and says how to give it one.
func EachBackend(t *testing.T, body func(t *testing.T, f *APIFixture)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { body(t, NewAPIOn(t, filepath.Join(t.TempDir(), "api.db"))) })
	t.Run("postgres", func(t *testing.T) { body(t, NewAPIOn(t, pgtest.Database(t))) })
}
