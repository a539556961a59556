package handlertest

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers"
	"supportaccess/models"
	"supportaccess/models/store"
	"supportaccess/models/store/storetest"
)

// SessionKeys sign and encrypt the session cookies of every test server,
// so that a browser of one fixture's router is known to another's.
var SessionKeys = [][]byte{[]byte("0123456789abcdef0123456789abcdef"), []byte("fedcba9876543210fedcba9876543210")}

// Fixture is one test's server: the real router on a copy of the template
// database, with a clock the test moves.
type Fixture struct {
	// T reports the helpers' failures. A fuzz target that keeps one
	// fixture for all its inputs sets it to each input's T.
	T     testing.TB
	Store *store.Store
	Echo  *echo.Echo
	Clock // the store's; it starts at StartClock
}

// New builds a fixture on a fresh copy of the template database.
func New(t testing.TB) *Fixture {
	t.Helper()
	src, err := buildTemplate()
	if err != nil {
		t.Fatalf("template database: %v", err)
	}
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "test.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	f := &Fixture{T: t, Store: s}
	f.SetClock(StartClock)
	s.Now = f.Now
	f.Echo = f.Server(handlers.Config{PollSeconds: 5})
	return f
}

// Server builds another router on the fixture's store, with the
// fixture's session keys (a browser logged in on one is logged in on
// the other) and cfg otherwise.
func (f *Fixture) Server(cfg handlers.Config) *echo.Echo {
	cfg.SessionKeys = SessionKeys
	return handlers.New(f.Store, slog.New(slog.NewTextHandler(io.Discard, nil)), cfg).Echo()
}

// Actor is a user as the models see them, for arranging state directly.
func (f *Fixture) Actor(email string) models.Actor {
	f.T.Helper()
	ctx := context.Background()
	u, err := f.Store.UserByEmail(ctx, email)
	if err != nil {
		f.T.Fatal(err)
	}
	p, err := f.Store.UserPrincipal(ctx, u)
	if err != nil {
		f.T.Fatal(err)
	}
	return models.Actor{Principal: p, RemoteAddr: "198.51.100.7"}
}

// SetBlock turns Acme's block setting on or off as its owner.
func (f *Fixture) SetBlock(on bool) {
	f.T.Helper()
	if _, err := f.Store.SetBlock(context.Background(), f.Actor(OwnerEmail), IDs.Org, on); err != nil {
		f.T.Fatal(err)
	}
}

// Grant grants access to a Production cluster as Acme's owner.
func (f *Fixture) Grant(cluster string, t models.GrantType) models.Grant {
	f.T.Helper()
	res, err := f.Store.GrantAccess(context.Background(), f.Actor(OwnerEmail),
		models.GrantRequest{ProjectID: IDs.Prod, ClusterName: cluster, Type: t})
	if err != nil {
		f.T.Fatal(err)
	}
	return res.Grant
}

// Count counts the rows of a table, by its entity.
func (f *Fixture) Count(model any) int64 {
	f.T.Helper()
	var n int64
	if err := storetest.DB(f.Store).Model(model).Count(&n).Error; err != nil {
		f.T.Fatal(err)
	}
	return n
}

// OpenGrants counts the grants not yet closed.
func (f *Fixture) OpenGrants() int64 {
	f.T.Helper()
	var n int64
	if err := storetest.DB(f.Store).Model(&models.Grant{}).Where("closed_at = 0").Count(&n).Error; err != nil {
		f.T.Fatal(err)
	}
	return n
}

// Blocked reads an organization's block setting from the database.
func (f *Fixture) Blocked(orgID string) bool {
	f.T.Helper()
	var o models.Organization
	if err := storetest.DB(f.Store).First(&o, "id = ?", orgID).Error; err != nil {
		f.T.Fatal(err)
	}
	return o.BlockSupportAccess
}
