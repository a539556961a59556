package main

import (
	"path/filepath"
	"strings"
	"testing"

	"supportaccess/models/store"
	"supportaccess/models/store/storetest"
)

// The load seed fills a database quickly and opens no door: no user,
// credential, grant or changed setting comes with it.
func TestLoadSeedCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "load.db")
	cli := cliOnDB(t, db)
	runCLI := func(args ...string) (string, error) {
		out, _, err := cli(args...)
		return out, err
	}
	out, err := runCLI("loadseed", "--org", "Load", "--projects", "3", "--clusters", "7")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(out, "\nproject project-0") != 3 {
		t.Fatalf("stdout does not list the 3 projects: %q", out)
	}
	s, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	want := map[string]int64{"organizations": 1, "projects": 3, "clusters": 21, "users": 0, "org_memberships": 0,
		"project_memberships": 0, "grants": 0, "events": 0, "api_keys": 0, "service_accounts": 0, "support_staff": 0}
	for table, n := range want {
		var got int64
		if err := storetest.DB(s).Table(table).Count(&got).Error; err != nil {
			t.Fatal(err)
		}
		if got != n {
			t.Errorf("%s holds %d rows, want %d", table, got, n)
		}
	}
	var blocked int64
	if err := storetest.DB(s).Table("organizations").Where("block_support_access = ?", true).Count(&blocked).Error; err != nil {
		t.Fatal(err)
	}
	if blocked != 0 {
		t.Error("the load seed changed the block setting")
	}
	if _, err := runCLI("loadseed", "--org", "Load"); err == nil {
		t.Fatal("a second organization with the same name was seeded")
	}
	if _, err := runCLI("loadseed", "--org", "Other", "--projects", "0"); err == nil {
		t.Fatal("a seed of 0 projects was accepted")
	}
}

// loadseed --decisions records made-up decisions, in a new organization
// or, with --to-existing, in one that exists, and nothing else.
func TestLoadSeedDecisions(t *testing.T) {
	db := filepath.Join(t.TempDir(), "load.db")
	cli := cliOnDB(t, db)
	if _, _, err := cli("loadseed", "--org", "Load", "--projects", "2", "--clusters", "3", "--decisions", "1200"); err != nil {
		t.Fatal(err)
	}
	out, _, err := cli("loadseed", "--org", "Load", "--to-existing", "--decisions", "700", "--days", "10")
	if err != nil || !strings.Contains(out, "recorded 700 access decisions") {
		t.Fatalf("%q %v", out, err)
	}
	if _, _, err := cli("loadseed", "--org", "Nobody", "--to-existing", "--decisions", "5"); err == nil {
		t.Fatal("decisions recorded in an organization that does not exist")
	}
	s, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for table, n := range map[string]int64{"access_decisions": 1900, "organizations": 1, "clusters": 6, "events": 0} {
		var got int64
		if err := storetest.DB(s).Table(table).Count(&got).Error; err != nil {
			t.Fatal(err)
		}
		if got != n {
			t.Errorf("%s holds %d rows, want %d", table, got, n)
		}
	}
}
