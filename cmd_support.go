package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"supportaccess/models"
)

func init() {
	register(command{name: "support-staff create", summary: "create a support employee and print its bearer token once", run: supportStaffCreate})
	register(command{name: "support-staff revoke", summary: "revoke a support employee's bearer token", run: supportStaffRevoke})
}

func supportStaffCreate(ctx context.Context, e env, args []string) error {
	var cfg config
	fs := flags("support-staff create", e, &cfg)
	email := fs.String("email", "", "the support employee's email address (required)")
	validFor := fs.Duration("valid-for", models.SupportTokenLifetime, "how long the token is valid")
	asJSON := fs.Bool("json", false, `print only {"token": "..."} on stdout, for scripts`)
	if ok, err := parse(fs, args); !ok {
		return err
	}
	if *email == "" {
		return errors.New("--email is required")
	}
	if *validFor <= 0 {
		return errors.New("--valid-for must be positive")
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	st, token, err := store.CreateSupportStaff(ctx, *email, *validFor)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(map[string]string{"token": token})
	}
	fmt.Fprintf(e.stdout, "created support employee %s with id %s, valid until %s\n", st.Email, st.ID, st.ExpiresAt.Time().Format(time.RFC3339))
	fmt.Fprintf(e.stdout, "token: %s\n", token)
	fmt.Fprintln(e.stdout, "The token is shown only now; only its hash is stored. Send it as: Authorization: Bearer <token>")
	return nil
}

func supportStaffRevoke(ctx context.Context, e env, args []string) error {
	var cfg config
	fs := flags("support-staff revoke", e, &cfg)
	email := fs.String("email", "", "the support employee's email address (required)")
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
	changed, err := store.RevokeSupportStaff(ctx, *email)
	if err != nil {
		return err
	}
	if changed {
		fmt.Fprintf(e.stdout, "revoked the token of %s\n", *email)
	} else {
		fmt.Fprintf(e.stdout, "the token of %s was already revoked\n", *email)
	}
	return nil
}
