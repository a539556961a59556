package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestSupportStaffCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cli.db")
	cli := cliOnDB(t, db)
	runCLI := func(args ...string) (string, error) {
		out, _, err := cli(args...)
		return out, err
	}
	out, err := runCLI("support-staff", "create", "--email", "tse@provider.test", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]string
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil || len(got) != 1 || !strings.HasPrefix(got["token"], "sas_") {
		t.Fatalf("stdout %q is not just {\"token\": ...}: %v", out, err)
	}
	if strings.TrimSpace(out) != `{"token":"`+got["token"]+`"}` {
		t.Fatalf("stdout holds more than the token: %q", out)
	}
	if _, err := runCLI("support-staff", "create", "--email", "tse@provider.test"); err == nil {
		t.Fatal("a second token while the first is valid was issued")
	}
	if out, err := runCLI("support-staff", "revoke", "--email", "tse@provider.test"); err != nil || !strings.Contains(out, "revoked") {
		t.Fatalf("revoke: %q %v", out, err)
	}
	out, err = runCLI("support-staff", "create", "--email", "tse@provider.test")
	if err != nil || !strings.Contains(out, "token: sas_") || strings.Contains(out, got["token"]) {
		t.Fatalf("reissue: %q %v", out, err)
	}
	if _, err := runCLI("support-staff", "create"); err == nil {
		t.Fatal("create without --email succeeded")
	}
	if _, err := runCLI("support-staff", "revoke", "--email", "nobody@provider.test"); err == nil {
		t.Fatal("revoking an unknown employee succeeded")
	}
}
