package models

// DemoOwnerEmail is the login of the demo organization's owner, whom the
// demo seed (store.SeedDemo) creates.
const DemoOwnerEmail = "owner@acme.test"

// LoadSeed describes the organization a load test runs against.
type LoadSeed struct {
	OrgName  string
	Projects int // named "project-01", "project-02", ...
	Clusters int // per project, named "cluster-001", ...
}
