// Command e2etool prepares state for the end-to-end specs through the model
// layer, the way a test would, so that the server binary needs no test-only
// switch. It is built by the specs' global setup and never shipped.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"supportaccess/models"
	"supportaccess/models/store"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2etool:", err)
		os.Exit(1)
	}
}

func run() error {
	if len(os.Args) < 2 || os.Args[1] != "grant" {
		return fmt.Errorf("usage: e2etool grant --db PATH --project NAME --cluster NAME --type TYPE --expires-in DURATION")
	}
	fs := flag.NewFlagSet("grant", flag.ContinueOnError)
	db := fs.String("db", "", "SQLite file of the server under test")
	project := fs.String("project", "Production", "project name in Acme Corp")
	cluster := fs.String("cluster", "", "cluster name")
	typ := fs.String("type", string(models.GrantInfrastructure), "grant type")
	in := fs.Duration("expires-in", time.Minute, "time until the grant expires")
	if err := fs.Parse(os.Args[2:]); err != nil {
		return err
	}
	ctx := context.Background()
	s, err := store.Open(*db)
	if err != nil {
		return err
	}
	defer s.Close()
	org, err := s.OrgByName(ctx, "Acme Corp")
	if err != nil {
		return err
	}
	pr, err := s.ProjectByName(ctx, org.ID, *project)
	if err != nil {
		return err
	}
	u, err := s.UserByEmail(ctx, models.DemoOwnerEmail)
	if err != nil {
		return err
	}
	p, err := s.UserPrincipal(ctx, u)
	if err != nil {
		return err
	}
	_, err = s.GrantAccess(ctx, models.Actor{Principal: p, RemoteAddr: "127.0.0.1"}, models.GrantRequest{
		ProjectID: pr.ID, ClusterName: *cluster, Type: models.GrantType(*typ), ExpiresAt: s.Now().Add(*in)})
	return err
}
