// Package pgtest gives a test a fresh PostgreSQL database of its own on the
// server named by TEST_DATABASE_URL, so that tests running at the same time
// never see each other's rows. .ci/with-postgres starts a throwaway server
// and sets the variable; the test task runs every Go test through it.
package pgtest

import (
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// EnvVar names the server the PostgreSQL tests use.
const EnvVar = "TEST_DATABASE_URL"

var (
	adminOnce sync.Once
	admin     *gorm.DB
	adminErr  error
	nameSeq   int
	nameMu    sync.Mutex
)

// Database creates an empty database and returns its URL. It is dropped
// when the test ends (after the test's own cleanups, which close its
// connections). Without TEST_DATABASE_URL the test fails, saying how to
// run it.
func Database(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvVar)
	if base == "" {
		// Never a skip: a store that was not tested on PostgreSQL is not tested.
		t.Fatal(EnvVar + " is not set: run the tests with '.ci/with-postgres go test ./...' or the task 'unit', which start a throwaway PostgreSQL")
	}
	adminOnce.Do(func() {
		admin, adminErr = gorm.Open(postgres.Open(base), &gorm.Config{Logger: logger.Discard})
		if adminErr == nil {
			if sqlDB, err := admin.DB(); err == nil {
				sqlDB.SetMaxOpenConns(4)
			}
		}
	})
	if adminErr != nil {
		t.Fatalf("connect to %s: %v", EnvVar, adminErr)
	}
	nameMu.Lock()
	nameSeq++
	name := fmt.Sprintf("sa_test_%d_%d", os.Getpid(), nameSeq)
	nameMu.Unlock()
	if err := admin.Exec("CREATE DATABASE " + name).Error; err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		if err := admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").Error; err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvVar, err)
	}
	u.Path = "/" + name
	return u.String()
}
