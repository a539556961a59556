package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"supportaccess/models/store"
)

// What a copy of the database gives away (README, Security).

func TestSessionKeysFromTheDatabaseAreWarnedAbout(t *testing.T) {
	s, err := store.Open(filepath.Join(t.TempDir(), "keys.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	e := env{stderr: &stderr, getenv: func(string) string { return "" }}
	if _, err := sessionKeys(context.Background(), e, s); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr.String(), "SESSION COOKIE KEYS ARE READ FROM THE DATABASE") || !strings.Contains(stderr.String(), "SUPPORTACCESS_SESSION_KEYS") {
		t.Fatalf("no warning for keys read from the database: %q", stderr.String())
	}
	stderr.Reset()
	e.getenv = func(k string) string {
		if k == "SUPPORTACCESS_SESSION_KEYS" {
			return b64(32, 1) + ":" + b64(32, 2)
		}
		return ""
	}
	if _, err := sessionKeys(context.Background(), e, s); err != nil || stderr.Len() != 0 {
		t.Fatalf("keys from the environment: %v, stderr %q", err, stderr.String())
	}
}

func TestANewSQLiteDatabaseIsItsOwnersOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "new.db")
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if m := fi.Mode().Perm(); m != 0o600 {
			t.Errorf("%s has mode %o, want 600", filepath.Base(p), m)
		}
	}
}
