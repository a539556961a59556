package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"supportaccess/models"
	"supportaccess/models/store"
)

func init() {
	register(command{name: "apikeys create", summary: "create an Admin API key (HTTP Digest); prints the private key once", run: apiKeysCreate})
	register(command{name: "serviceaccounts create", summary: "create a service account (OAuth 2.0); prints the client secret once", run: serviceAccountsCreate})
}

// credentialFlags are the flags both commands share.
type credentialFlags struct {
	cfg         config
	org         string
	role        string
	project     string
	description string
	json        bool
}

// parseCredential parses the flags and opens the store; ok is false after --help.
func parseCredential(ctx context.Context, name string, e env, args []string) (*store.Store, models.CredentialRequest, credentialFlags, bool, error) {
	var f credentialFlags
	fs := flags(name, e, &f.cfg)
	fs.StringVar(&f.org, "org", "", "organization name (required)")
	fs.StringVar(&f.role, "role", "", "ORG_OWNER, ORG_MEMBER, ORG_READ_ONLY, GROUP_OWNER, GROUP_SUPPORT_ACCESS_MANAGER or GROUP_READ_ONLY (required)")
	fs.StringVar(&f.project, "project", "", "project name, for a GROUP_ role")
	fs.StringVar(&f.description, "description", "created by an operator", "what the credential is for")
	fs.BoolVar(&f.json, "json", false, "print one JSON object with the credential and nothing else")
	var req models.CredentialRequest
	if ok, err := parse(fs, args); !ok {
		return nil, req, f, false, err
	}
	if f.org == "" || f.role == "" {
		return nil, req, f, false, errors.New("--org and --role are required")
	}
	role, err := models.ParseRole(f.role)
	if err != nil {
		return nil, req, f, false, err
	}
	if role.IsProjectRole() != (f.project != "") {
		return nil, req, f, false, errors.New("--project is needed with a GROUP_ role and only then")
	}
	store, err := openStore(ctx, f.cfg)
	if err != nil {
		return nil, req, f, false, err
	}
	o, err := store.OrgByName(ctx, f.org)
	if err != nil {
		store.Close()
		return nil, req, f, false, fmt.Errorf("organization %q: %w", f.org, err)
	}
	req = models.CredentialRequest{OrgID: o.ID, Description: f.description, Role: role}
	if f.project != "" {
		p, err := store.ProjectByName(ctx, o.ID, f.project)
		if err != nil {
			store.Close()
			return nil, req, f, false, fmt.Errorf("project %q: %w", f.project, err)
		}
		req.ProjectID = p.ID
	}
	return store, req, f, true, nil
}

func apiKeysCreate(ctx context.Context, e env, args []string) error {
	store, req, f, ok, err := parseCredential(ctx, "apikeys create", e, args)
	if !ok {
		return err
	}
	defer store.Close()
	k, private, err := store.CreateAPIKey(ctx, models.Actor{Principal: models.Operator(req.OrgID)}, req)
	if err != nil {
		return err
	}
	if f.json {
		return json.NewEncoder(e.stdout).Encode(map[string]string{"id": k.ID, "publicKey": k.PublicKey, "privateKey": private, "orgId": k.OrgID, "role": string(k.Role)})
	}
	fmt.Fprintf(e.stdout, "created API key (%s)\npublic key:  %s\nprivate key: %s\nThe private key is not stored; keep it now.\n", k.Role.Label(), k.PublicKey, private)
	return nil
}

func serviceAccountsCreate(ctx context.Context, e env, args []string) error {
	store, req, f, ok, err := parseCredential(ctx, "serviceaccounts create", e, args)
	if !ok {
		return err
	}
	defer store.Close()
	a, secret, err := store.CreateServiceAccount(ctx, models.Actor{Principal: models.Operator(req.OrgID)}, req)
	if err != nil {
		return err
	}
	if f.json {
		return json.NewEncoder(e.stdout).Encode(map[string]string{"id": a.ID, "clientId": a.ClientID, "clientSecret": secret, "orgId": a.OrgID, "role": string(a.Role)})
	}
	fmt.Fprintf(e.stdout, "created service account (%s)\nclient id:     %s\nclient secret: %s\nThe client secret is not stored; keep it now.\n", a.Role.Label(), a.ClientID, secret)
	return nil
}
