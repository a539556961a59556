package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"supportaccess/handlers/logexport"
	"supportaccess/models"
	"supportaccess/models/store"
)

// TestVerifyChecksAnExportOffline: verify --export checks a file with no
// database and says which key it trusted; a wrong key, a changed byte or
// a file that is no export fail it, the last with a clear error.
func TestVerifyChecksAnExportOffline(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "verify.db")
	s, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SeedDemo(ctx, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	org, err := s.OrgByName(ctx, "Acme Corp")
	if err != nil {
		t.Fatal(err)
	}
	now := s.Now()
	if err := s.SeedDecisions(ctx, org.ID, 30, now.Add(-time.Hour), now, nil); err != nil {
		t.Fatal(err)
	}
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, 32))
	if _, err := s.SealRecord(ctx, key); err != nil {
		t.Fatal(err)
	}
	each, err := s.AccessDecisionExport(ctx, models.Operator(org.ID), models.DecisionFilter{OrgID: org.ID})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	w, err := logexport.Decisions(rec, logexport.CSV, "log")
	if err == nil {
		err = each(w)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "log.csv")
	write := func(b []byte) {
		if err := os.WriteFile(file, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	intact := rec.Body.Bytes()
	write(intact)

	cli := cliOnDB(t, filepath.Join(dir, "none.db"))
	out, errOut, err := cli("verify", "--export", file)
	if err != nil || !strings.Contains(out, "intact: 30 rows in 1 sealed batches") || !strings.Contains(out, "compare it with the public key on Organization Settings") {
		t.Fatalf("verify --export: %v\n%s%s", err, out, errOut)
	}
	pub := base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey))
	if out, _, err := cli("verify", "--export", file, "--public-key", pub); err != nil || !strings.Contains(out, "against the key given") {
		t.Fatalf("with the right key: %v %s", err, out)
	}
	other := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32))
	if out, _, err := cli("verify", "--export", file, "--public-key", other); !errors.Is(err, errNotIntact) || !strings.Contains(out, "not trusted") {
		t.Fatalf("with another key: %v %s", err, out)
	}
	write(bytes.Replace(intact, []byte("ACCESS_DECISION"), []byte("ACCESS_DECISIOM"), 1))
	if out, _, err := cli("verify", "--export", file); !errors.Is(err, errNotIntact) || !strings.Contains(out, "changed") {
		t.Fatalf("a changed byte: %v %s", err, out)
	}
	write([]byte("id,name\n1,2\n"))
	if _, _, err := cli("verify", "--export", file); err == nil || !strings.Contains(err.Error(), "cannot be checked") {
		t.Fatalf("no export: %v", err)
	}
	if _, _, err := cli("verify", "--export", file, "--org", "Acme Corp"); err == nil {
		t.Fatal("both --org and --export: no error")
	}
}
