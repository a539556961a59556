package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"supportaccess/models"
	"supportaccess/models/store"
)

// serveUntilReady runs serve with args until it listens, then stops it,
// and returns what it printed.
func serveUntilReady(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := newLogWatch()
	var out bytes.Buffer
	e := env{stdin: strings.NewReader(""), stdout: &out, stderr: w, getenv: func(string) string { return "" }}
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), e) }()
	select {
	case <-w.found:
	case err := <-done:
		t.Fatalf("serve did not start: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not start within a minute")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve stopped with %v", err)
	}
	return out.String()
}

// hasDemo says whether the database at dsn holds the demo organization.
func hasDemo(t *testing.T, dsn string) bool {
	t.Helper()
	s, err := store.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.OrgByName(context.Background(), "Acme Corp")
	if err != nil && models.ErrorCode(err) != models.ENOTFOUND {
		t.Fatal(err)
	}
	return err == nil
}

// TestServeSeedsTheDemoOnlyOnTheDefaultDatabaseOrWhenAsked: an empty
// configured database (a production one) gets no demo owner; --seed-demo
// asks for one; the default database of `go run .` is seeded and the
// login printed.
func TestServeSeedsTheDemoOnlyOnTheDefaultDatabaseOrWhenAsked(t *testing.T) {
	dir := t.TempDir()
	configured := filepath.Join(dir, "prod.db")
	if out := serveUntilReady(t, "--db", configured); strings.Contains(out, "Seeded") || hasDemo(t, configured) {
		t.Fatalf("a configured empty database was seeded: %q", out)
	}
	asked := filepath.Join(dir, "asked.db")
	if out := serveUntilReady(t, "--db", asked, "--seed-demo"); !strings.Contains(out, models.DemoOwnerEmail) || !hasDemo(t, asked) {
		t.Fatalf("--seed-demo did not seed: %q", out)
	}
	t.Chdir(dir)
	if out := serveUntilReady(t); !strings.Contains(out, "Log in as "+models.DemoOwnerEmail+" with password ") || !hasDemo(t, defaultDB) {
		t.Fatalf("the default database was not seeded with a printed login: %q", out)
	}
}
