package handlertest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mongodb-forks/digest"

	"supportaccess/handlers"
	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/models/store"
	"supportaccess/models/store/storetest"
)

// APIFixture is a live server on a real SQLite file with the demo
// organization, a second organization "Globex", and a clock tests move
// (the real time, moved on).
type APIFixture struct {
	T      testing.TB
	Store  *store.Store
	DBPath string
	Srv    *httptest.Server
	offset atomic.Int64 // added to the real time, in nanoseconds
	Org    models.Organization
	Prod   models.Project
	Other  models.Organization
}

// NewAPI builds an API fixture on a fresh database.
func NewAPI(t testing.TB) *APIFixture {
	t.Helper()
	return NewAPIOn(t, filepath.Join(t.TempDir(), "api.db"))
}

// NewAPIOn builds an API fixture on the fresh database at path: a
// SQLite file, or a PostgreSQL database (EachBackend).
func NewAPIOn(t testing.TB, path string) *APIFixture {
	t.Helper()
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	f := &APIFixture{T: t, Store: s, DBPath: path}
	s.Now = func() time.Time { return time.Now().UTC().Add(time.Duration(f.offset.Load())) }
	ctx := context.Background()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SeedDemo(ctx, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	if f.Org, err = s.OrgByName(ctx, "Acme Corp"); err != nil {
		t.Fatal(err)
	}
	if f.Prod, err = s.ProjectByName(ctx, f.Org.ID, "Production"); err != nil {
		t.Fatal(err)
	}
	if f.Other, err = s.CreateOrg(ctx, "Globex"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateProject(ctx, f.Other.ID, "Payments"); err != nil {
		t.Fatal(err)
	}
	key := bytes.Repeat([]byte{7}, 32)
	h := handlers.New(s, slog.New(slog.NewTextHandler(io.Discard, nil)), handlers.Config{SessionKeys: [][]byte{key, key}})
	f.Srv = httptest.NewServer(h.Echo())
	t.Cleanup(f.Srv.Close)
	return f
}

// Advance moves the server's clock.
func (f *APIFixture) Advance(d time.Duration) { f.offset.Add(int64(d)) }

// Key creates an API key with a role (project roles on Production) and
// returns its public and private key.
func (f *APIFixture) Key(orgID string, role models.Role) (string, string) {
	f.T.Helper()
	req := models.CredentialRequest{OrgID: orgID, Description: "test " + string(role), Role: role}
	if role.IsProjectRole() {
		req.ProjectID = f.Prod.ID
	}
	k, private, err := f.Store.CreateAPIKey(context.Background(), models.Actor{Principal: models.Operator(orgID)}, req)
	if err != nil {
		f.T.Fatal(err)
	}
	return k.PublicKey, private
}

// DigestClient is the HTTP client the Atlas Go SDK builds: the
// mongodb-forks/digest transport.
func DigestClient(public, private string) *http.Client {
	return &http.Client{Transport: digest.NewTransport(public, private)}
}

// Call sends a request and returns the status, the body and the response.
func (f *APIFixture) Call(c *http.Client, method, path, body string, header ...string) (int, []byte, *http.Response) {
	f.T.Helper()
	var r io.Reader
	if body != "" {
		r = bytes.NewBufferString(body)
	}
	req, err := http.NewRequest(method, f.Srv.URL+path, r)
	if err != nil {
		f.T.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		f.T.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		f.T.Fatal(err)
	}
	return resp.StatusCode, b, resp
}

// APIErr decodes the API error shape and checks its parts agree.
func APIErr(t testing.TB, status int, b []byte) httpx.APIError {
	t.Helper()
	var e httpx.APIError
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("error body is not the JSON error shape: %v: %s", err, b)
	}
	if e.Error != status || e.ErrorCode == "" || e.Detail == "" || e.Reason != http.StatusText(status) || e.Parameters == nil {
		t.Fatalf("error body does not match status %d: %s", status, b)
	}
	return e
}

// GrantBody is a grant request body expiring d from the server's now.
func (f *APIFixture) GrantBody(t models.GrantType, d time.Duration) string {
	return `{"grantType":"` + string(t) + `","expirationTime":"` + f.Store.Now().Add(d).Format(time.RFC3339) + `"}`
}

// ClusterPath is the Admin API path of a Production cluster.
func (f *APIFixture) ClusterPath(name string) string {
	return "/api/atlas/v2/groups/" + f.Prod.ID + "/clusters/" + name
}

// TableCounts is how many rows each table holds, to prove nothing changed.
func (f *APIFixture) TableCounts() map[string]int64 {
	f.T.Helper()
	out := map[string]int64{}
	for _, tb := range []string{"grants", "events", "organizations", "api_keys", "service_accounts", "access_tokens"} {
		var n int64
		if err := storetest.DB(f.Store).Table(tb).Count(&n).Error; err != nil {
			f.T.Fatal(err)
		}
		out[tb] = n
	}
	var blocked int64
	if err := storetest.DB(f.Store).Table("organizations").Where("block_support_access = ?", true).Count(&blocked).Error; err != nil {
		f.T.Fatal(err)
	}
	out["blocked"] = blocked
	return out
}
