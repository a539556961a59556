package handlertest

import (
	"crypto/sha256"
	"fmt"
	"sort"
	"strings"

	"supportaccess/models/store/storetest"
)

// ChangedByDesign are the tables any request may write to, refused or not,
// and why: every request with a session touches it; a refused login is
// counted for throttling; every Digest request spends its nonce; every
// support access decision, a denial too, is recorded; a passkey
// ceremony's challenge is spent by any answer, right or wrong.
var ChangedByDesign = map[string]bool{"sessions": true, "login_failures": true, "digest_nonce_uses": true, "access_decisions": true,
	"webauthn_ceremonies": true}

// Storage fingerprints what a refused request must leave as it was: a hash
// of every row of every table but ChangedByDesign, rows sorted, so that an
// in-place update of any column shows as well as an insert or a delete.
// Each table is named with its row count and hash, for a failure message
// to say which one changed.
func (f *Fixture) Storage() string {
	f.T.Helper()
	db := storetest.DB(f.Store)
	tables, err := db.Migrator().GetTables()
	if err != nil {
		f.T.Fatal(err)
	}
	sort.Strings(tables)
	var out []string
	for _, tb := range tables {
		if ChangedByDesign[tb] {
			continue
		}
		rows, err := db.Raw("SELECT * FROM " + tb).Rows()
		if err != nil {
			f.T.Fatal(err)
		}
		cols, err := rows.Columns()
		if err != nil {
			rows.Close()
			f.T.Fatal(err)
		}
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				f.T.Fatal(err)
			}
			lines = append(lines, fmt.Sprintf("%q", vals))
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			f.T.Fatal(err)
		}
		sort.Strings(lines)
		out = append(out, fmt.Sprintf("%s=%d/%x", tb, len(lines), sha256.Sum256([]byte(strings.Join(lines, "\n")))))
	}
	return strings.Join(out, " ")
}
