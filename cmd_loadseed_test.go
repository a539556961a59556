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
