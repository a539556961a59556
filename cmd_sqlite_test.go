package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"supportaccess/models/store"
)

// TestSQLiteOffNamesThePieces: SUPPORTACCESS_SQLITE_OFF switches off the
// pieces it names, all of them with "all", and refuses a name it does not
// know rather than run with the tuning it may have meant to drop.
func TestSQLiteOffNamesThePieces(t *testing.T) {
	cases := []struct {
		list string
		want store.Options
	}{
		{"", store.Options{}},
		{"stmtcache", store.Options{NoStmtCache: true}},
		{"groupcommit", store.Options{NoGroupCommit: true}},
		{"checkpointer", store.Options{NoCheckpointer: true}},
		{" groupcommit , checkpointer ", store.Options{NoGroupCommit: true, NoCheckpointer: true}},
		{"all", store.Options{NoStmtCache: true, NoGroupCommit: true, NoCheckpointer: true}},
	}
	for _, tc := range cases {
		got, err := sqliteOptions(tc.list)
		if err != nil || got != tc.want {
			t.Errorf("%q: %+v %v, want %+v", tc.list, got, err, tc.want)
		}
	}
	if _, err := sqliteOptions("stmtcache,groupcomit"); err == nil || !strings.Contains(err.Error(), "groupcomit") {
		t.Errorf("a misspelt piece: %v, want an error naming it", err)
	}
	// A command reads it from the environment.
	var out, errOut bytes.Buffer
	e := env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: func(k string) string {
		if k == "SUPPORTACCESS_SQLITE_OFF" {
			return "nothing"
		}
		return ""
	}}
	if err := run(context.Background(), []string{"migrate", "--db", filepath.Join(t.TempDir(), "off.db")}, e); err == nil || !strings.Contains(err.Error(), "SUPPORTACCESS_SQLITE_OFF") {
		t.Fatalf("migrate with SUPPORTACCESS_SQLITE_OFF=nothing: %v", err)
	}
}
