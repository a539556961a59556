// Package handlertest is what the handler tests of every surface share:
// the real router on a copy of a template database, browsers that keep
// cookies, live servers for the APIs, and small readers of answers. It
// is for tests only; nothing in it is a stand-in for the product.
package handlertest

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"supportaccess/models"
	"supportaccess/models/store"
	"supportaccess/models/store/storetest"
)

// The handler tests drive the real router on a real SQLite file. Users
// cost ~50 ms each to create (argon2id), so one template database with the
// demo organization, one user per role and a second organization is built
// once per test binary; every test then works on its own copy of that file.

// Password is every template user's password.
const Password = "correct horse battery staple"

// Logins of the template database, one per role.
const (
	OwnerEmail   = models.DemoOwnerEmail // ORG_OWNER of Acme Corp
	MemberEmail  = "member@acme.test"    // ORG_MEMBER, in no project
	OrgROEmail   = "auditor@acme.test"   // ORG_READ_ONLY
	POwnerEmail  = "lead@acme.test"      // GROUP_OWNER of Production
	SAMEmail     = "sam@acme.test"       // GROUP_SUPPORT_ACCESS_MANAGER of Production
	ReaderEmail  = "reader@acme.test"    // GROUP_READ_ONLY of Production
	GlobexEmail  = "owner@globex.test"   // ORG_OWNER of Globex, the other organization
	GlobexName   = "Globex"
	GlobexPrName = "Globex Prod"
	GlobexClName = "globex-1"
)

// IDs are the template's identifiers; every copy has the same. They are
// set once the first fixture of the binary is built.
var IDs struct {
	Org, Prod, Staging, Globex, GlobexProd string
}

// StartClock is the moment every fixture's clock starts at.
var StartClock = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

var (
	templateOnce sync.Once
	templateDir  string
	templateErr  error
)

// Main runs a package's tests and removes the template database after
// them: call it from TestMain as os.Exit(handlertest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	if templateDir != "" {
		os.RemoveAll(templateDir)
	}
	return code
}

// buildTemplate creates the template database once per test binary.
func buildTemplate() (string, error) {
	templateOnce.Do(func() {
		templateDir, templateErr = os.MkdirTemp("", "handlers-test-")
		if templateErr != nil {
			return
		}
		templateErr = seedTemplate(filepath.Join(templateDir, "template.db"))
	})
	return filepath.Join(templateDir, "template.db"), templateErr
}

func seedTemplate(path string) error {
	ctx := context.Background()
	s, err := store.Open(path)
	if err != nil {
		return err
	}
	defer s.Close()
	s.Now = func() time.Time { return StartClock }
	if err := s.Migrate(ctx); err != nil {
		return err
	}
	if _, err := s.SeedDemo(ctx, Password); err != nil {
		return err
	}
	org, err := s.OrgByName(ctx, "Acme Corp")
	if err != nil {
		return err
	}
	prod, err := s.ProjectByName(ctx, org.ID, "Production")
	if err != nil {
		return err
	}
	staging, err := s.ProjectByName(ctx, org.ID, "Staging")
	if err != nil {
		return err
	}
	globex, err := s.CreateOrg(ctx, GlobexName)
	if err != nil {
		return err
	}
	gp, err := s.CreateProject(ctx, globex.ID, GlobexPrName)
	if err != nil {
		return err
	}
	if _, err := s.CreateCluster(ctx, gp.ID, GlobexClName, true); err != nil {
		return err
	}
	users := []struct {
		email, org string
		role       models.Role
		project    string
	}{
		{MemberEmail, org.ID, models.OrgMember, ""},
		{OrgROEmail, org.ID, models.OrgReadOnly, ""},
		{POwnerEmail, org.ID, models.ProjectOwner, prod.ID},
		{SAMEmail, org.ID, models.ProjectSupportAccessManager, prod.ID},
		{ReaderEmail, org.ID, models.ProjectReadOnly, prod.ID},
		{GlobexEmail, globex.ID, models.OrgOwner, ""},
	}
	for _, u := range users {
		if _, err := s.CreateUser(ctx, u.email, Password, u.org, u.role, u.project); err != nil {
			return err
		}
	}
	IDs.Org, IDs.Prod, IDs.Staging, IDs.Globex, IDs.GlobexProd = org.ID, prod.ID, staging.ID, globex.ID, gp.ID
	// Fold the write-ahead log into the file so that a plain copy is whole.
	return storetest.DB(s).Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error
}
