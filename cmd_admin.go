package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"supportaccess/models"
	"supportaccess/models/store"
)

func init() {
	register(command{name: "orgs create", summary: "create an organization", run: orgsCreate})
	register(command{name: "projects create", summary: "create a project in an organization", run: projectsCreate})
	register(command{name: "clusters create", summary: "create a cluster in a project", run: clustersCreate})
	register(command{name: "users create", summary: "create a console user (password on stdin)", run: usersCreate})
}

func orgsCreate(ctx context.Context, e env, args []string) error {
	var cfg config
	fs := flags("orgs create", e, &cfg)
	name := fs.String("name", "", "organization name (required)")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	if *name == "" {
		return errors.New("--name is required")
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	o, err := store.CreateOrg(ctx, *name)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "created organization %q with id %s\n", o.Name, o.ID)
	return nil
}

func projectsCreate(ctx context.Context, e env, args []string) error {
	var cfg config
	fs := flags("projects create", e, &cfg)
	org := fs.String("org", "", "organization name (required)")
	name := fs.String("name", "", "project name (required)")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	if *org == "" || *name == "" {
		return errors.New("--org and --name are required")
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	o, err := store.OrgByName(ctx, *org)
	if err != nil {
		return fmt.Errorf("organization %q: %w", *org, err)
	}
	p, err := store.CreateProject(ctx, o.ID, *name)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "created project %q with id %s\n", p.Name, p.ID)
	return nil
}

func clustersCreate(ctx context.Context, e env, args []string) error {
	var cfg config
	fs := flags("clusters create", e, &cfg)
	org := fs.String("org", "", "organization name (needed when several organizations have a project of that name)")
	project := fs.String("project", "", "project name (required)")
	name := fs.String("name", "", "cluster name (required)")
	sync := fs.Bool("sync", false, "App Services sync is enabled on the cluster")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	if *project == "" || *name == "" {
		return errors.New("--project and --name are required")
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	p, err := findProject(ctx, store, *org, *project)
	if err != nil {
		return err
	}
	c, err := store.CreateCluster(ctx, p.ID, *name, *sync)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "created cluster %q with id %s\n", c.Name, c.ID)
	return nil
}

// findProject finds a project by name, inside one organization when given.
func findProject(ctx context.Context, store *store.Store, org, project string) (models.Project, error) {
	if org != "" {
		o, err := store.OrgByName(ctx, org)
		if err != nil {
			return models.Project{}, fmt.Errorf("organization %q: %w", org, err)
		}
		p, err := store.ProjectByName(ctx, o.ID, project)
		if err != nil {
			return p, fmt.Errorf("project %q: %w", project, err)
		}
		return p, nil
	}
	ps, err := store.ProjectsNamed(ctx, project)
	if err != nil {
		return models.Project{}, err
	}
	switch len(ps) {
	case 0:
		return models.Project{}, fmt.Errorf("no project named %q", project)
	case 1:
		return ps[0], nil
	}
	return models.Project{}, fmt.Errorf("several organizations have a project named %q; add --org", project)
}

func usersCreate(ctx context.Context, e env, args []string) error {
	var cfg config
	fs := flags("users create", e, &cfg)
	email := fs.String("email", "", "the user's email address (required)")
	org := fs.String("org", "", "organization name (required)")
	roleName := fs.String("role", "", "ORG_OWNER, ORG_MEMBER, ORG_READ_ONLY, GROUP_OWNER, GROUP_SUPPORT_ACCESS_MANAGER or GROUP_READ_ONLY (required)")
	project := fs.String("project", "", "project name, for a GROUP_ role")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	if *email == "" || *org == "" || *roleName == "" {
		return errors.New("--email, --org and --role are required")
	}
	role, err := models.ParseRole(*roleName)
	if err != nil {
		return err
	}
	if role.IsProjectRole() != (*project != "") {
		return fmt.Errorf("--project is needed with a GROUP_ role and only then")
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return errors.New("read the password from standard input: nothing there")
	}
	password := strings.TrimRight(line, "\r\n")
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	o, err := store.OrgByName(ctx, *org)
	if err != nil {
		return fmt.Errorf("organization %q: %w", *org, err)
	}
	projectID := ""
	if *project != "" {
		p, err := store.ProjectByName(ctx, o.ID, *project)
		if err != nil {
			return fmt.Errorf("project %q: %w", *project, err)
		}
		projectID = p.ID
	}
	u, err := store.CreateUser(ctx, *email, password, o.ID, role, projectID)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "created user %s (%s) with id %s\n", u.Email, role.Label(), u.ID)
	return nil
}
