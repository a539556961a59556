package main

import (
	"context"
	"errors"
	"fmt"
)

func init() {
	register(command{name: "users unlock", summary: "forget an account's failed logins, so that its owner may log in at once", run: usersUnlock})
}

// usersUnlock is the operator's way out for someone whose account another
// person's guesses have locked (models/login.go).
func usersUnlock(ctx context.Context, e env, args []string) error {
	var cfg config
	fs := flags("users unlock", e, &cfg)
	email := fs.String("email", "", "the account's email address (required)")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	if *email == "" {
		return errors.New("--email is required")
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.UnlockLogin(ctx, *email); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "unlocked logins to %s\n", *email)
	return nil
}
