package store

import "testing"

// TestMigrationVersionsOnlyIncrease: the schema is one list in version
// order, from version 1, each version once, each step with statements;
// Migrate applies it in the order it is written.
func TestMigrationVersionsOnlyIncrease(t *testing.T) {
	if len(migrations) == 0 || migrations[0].version != 1 {
		t.Fatalf("the schema does not start at version 1: %+v", migrations)
	}
	for i, m := range migrations {
		if len(m.stmts) == 0 {
			t.Errorf("version %d has no statements", m.version)
		}
		if i > 0 && m.version <= migrations[i-1].version {
			t.Errorf("version %d comes after version %d", m.version, migrations[i-1].version)
		}
	}
}

// TestShippedSchemaVersionsStay: the versions databases already hold keep
// their numbers (4 and 5 were never used), so that every database
// migrates from where it is.
func TestShippedSchemaVersionsStay(t *testing.T) {
	shipped := []int{1, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 20, 30, 40, 41, 50, 51, 60, 61, 70}
	if len(migrations) < len(shipped) {
		t.Fatalf("%d migrations, want at least the %d shipped", len(migrations), len(shipped))
	}
	for i, v := range shipped {
		if migrations[i].version != v {
			t.Fatalf("step %d is version %d, want %d", i, migrations[i].version, v)
		}
	}
}
