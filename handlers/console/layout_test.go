package console_test

import (
	"slices"
	"testing"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
	"supportaccess/models/store/storetest"
)

// TestTheOrganizationsMenuListsEveryOrganizationOfTheUser: a person of one
// organization is offered that one, under its name as stored now; a person
// of two is offered both, by name, whichever page they are on.
func TestTheOrganizationsMenuListsEveryOrganizationOfTheUser(t *testing.T) {
	f := handlertest.New(t)
	db := storetest.DB(f.Store)
	menu := func(c *handlertest.Client, path string) []string {
		t.Helper()
		rec := c.Get(path)
		c.MustStatus(rec, 200)
		return handlertest.Texts(handlertest.Parse(t, rec).Find(`[aria-label="Organizations menu"] a`))
	}
	if err := db.Exec(`UPDATE organizations SET name = 'Acme Renamed' WHERE id = ?`, handlertest.IDs.Org).Error; err != nil {
		t.Fatal(err)
	}
	owner := f.Login(handlertest.OwnerEmail)
	if got := menu(owner, handlertest.ClustersURL(handlertest.IDs.Prod)); !slices.Equal(got, []string{"Acme Renamed"}) {
		t.Fatalf("one organization: the menu offers %q", got)
	}
	u, err := f.Store.UserByEmail(t.Context(), handlertest.OwnerEmail)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(`INSERT INTO org_memberships (user_id, org_id, role) VALUES (?, ?, ?)`, u.ID, handlertest.IDs.Globex, string(models.OrgReadOnly)).Error; err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{handlertest.ClustersURL(handlertest.IDs.Prod), handlertest.ClustersURL(handlertest.IDs.GlobexProd)} {
		if got := menu(owner, path); !slices.Equal(got, []string{"Acme Renamed", handlertest.GlobexName}) {
			t.Fatalf("two organizations, on %s: the menu offers %q", path, got)
		}
	}
}
