package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"supportaccess/models"
)

func init() {
	register(command{name: "loadseed", summary: "create an organization with many projects and clusters, for load tests", run: loadSeed})
}

// loadSeed fills a database for the bench task. It only creates the
// organization, projects and clusters: users, credentials, grants and the
// block setting go through the ordinary commands and APIs, so that the
// load test exercises the same checks as production and this command
// opens no door.
func loadSeed(ctx context.Context, e env, args []string) error {
	var cfg config
	fs := flags("loadseed", e, &cfg)
	org := fs.String("org", "Load Test", "organization name (must not exist)")
	projects := fs.Int("projects", 10, "number of projects")
	clusters := fs.Int("clusters", 100, "clusters per project")
	decisions := fs.Int("decisions", 0, "recorded access decisions to make up, spread over --days up to now (a Support Access Log for the bench)")
	days := fs.Int("days", 300, "days the made-up decisions span")
	existing := fs.Bool("to-existing", false, "record the --decisions in the existing organization --org, creating nothing else")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	if *org == "" {
		return errors.New("--org must not be empty")
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	var o models.Organization
	if *existing {
		if o, err = store.OrgByName(ctx, *org); err != nil {
			return err
		}
	} else {
		if o, err = store.SeedLoad(ctx, models.LoadSeed{OrgName: *org, Projects: *projects, Clusters: *clusters}); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "created organization %q with id %s: %d projects of %d clusters in %d ms\n",
			o.Name, o.ID, *projects, *clusters, time.Since(start).Milliseconds())
	}
	if *decisions > 0 {
		start := time.Now()
		now := store.Now()
		err := store.SeedDecisions(ctx, o.ID, *decisions, now.AddDate(0, 0, -max(*days, 1)), now, func(done int) {
			fmt.Fprintf(e.stderr, "recorded %d of %d decisions (%.0f/s)\n", done, *decisions, float64(done)/time.Since(start).Seconds())
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "recorded %d access decisions in %d ms\n", *decisions, time.Since(start).Milliseconds())
	}
	ps, err := store.Projects(ctx, models.Operator(o.ID), o.ID)
	if err != nil {
		return err
	}
	for _, p := range ps {
		fmt.Fprintf(e.stdout, "project %s %s\n", p.Name, p.ID)
	}
	return nil
}
