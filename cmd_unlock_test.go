package main

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"supportaccess/models"
	"supportaccess/models/store"
)

func TestUsersUnlockLetsALockedAccountLogInAtOnce(t *testing.T) {
	db := filepath.Join(t.TempDir(), "unlock.db")
	cli := cliOnDB(t, db)
	if _, errOut, err := cli("migrate"); err != nil {
		t.Fatalf("migrate: %v %s", err, errOut)
	}
	s, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	const email = "someone@acme.test"
	for i := range models.LoginMaxAccountFailures {
		if _, err := s.Login(ctx, email, "wrong password!", fmt.Sprintf("198.51.100.%d", i+1), ""); models.ErrorCode(err) != models.EUNAUTHORIZED {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	if _, err := s.Login(ctx, email, "wrong password!", "203.0.113.1", ""); models.ErrorCode(err) != models.ETOOMANY {
		t.Fatalf("locked account: %v, want too many", err)
	}
	if out, errOut, err := cli("users", "unlock", "--email", "Someone@ACME.test"); err != nil {
		t.Fatalf("users unlock: %v %s", err, errOut)
	} else if out == "" {
		t.Fatal("users unlock said nothing")
	}
	if _, err := s.Login(ctx, email, "wrong password!", "203.0.113.1", ""); models.ErrorCode(err) != models.EUNAUTHORIZED {
		t.Fatalf("after unlock: %v, want the password checked", err)
	}
	if _, _, err := cli("users", "unlock"); err == nil {
		t.Fatal("users unlock without --email succeeded")
	}
}
