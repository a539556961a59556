package handlers

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

	"supportaccess/models"
	"supportaccess/models/store"
	"supportaccess/models/store/storetest"
)

// apiFixture is a live server on a real SQLite file with the demo
// organization, a second organization "Globex", and a clock tests move.
type apiFixture struct {
	t      *testing.T
	store  *store.Store
	dbPath string
	srv    *httptest.Server
	offset atomic.Int64 // added to the real time, in nanoseconds
	org    models.Organization
	prod   models.Project
	other  models.Organization
}

func newAPIFixture(t *testing.T) *apiFixture {
	t.Helper()
	path := filepath.Join(t.TempDir(), "api.db")
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	f := &apiFixture{t: t, store: s, dbPath: path}
	s.Now = func() time.Time { return time.Now().UTC().Add(time.Duration(f.offset.Load())) }
	ctx := context.Background()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SeedDemo(ctx, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	if f.org, err = s.OrgByName(ctx, "Acme Corp"); err != nil {
		t.Fatal(err)
	}
	if f.prod, err = s.ProjectByName(ctx, f.org.ID, "Production"); err != nil {
		t.Fatal(err)
	}
	if f.other, err = s.CreateOrg(ctx, "Globex"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateProject(ctx, f.other.ID, "Payments"); err != nil {
		t.Fatal(err)
	}
	key := bytes.Repeat([]byte{7}, 32)
	h := New(s, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{SessionKeys: [][]byte{key, key}})
	f.srv = httptest.NewServer(h.Echo())
	t.Cleanup(f.srv.Close)
	return f
}

// advance moves the server's clock.
func (f *apiFixture) advance(d time.Duration) { f.offset.Add(int64(d)) }

// key creates an API key with a role (project roles on Production) and
// returns its public and private key.
func (f *apiFixture) key(orgID string, role models.Role) (string, string) {
	f.t.Helper()
	req := models.CredentialRequest{OrgID: orgID, Description: "test " + string(role), Role: role}
	if role.IsProjectRole() {
		req.ProjectID = f.prod.ID
	}
	k, private, err := f.store.CreateAPIKey(context.Background(), models.Actor{Principal: models.Operator(orgID)}, req)
	if err != nil {
		f.t.Fatal(err)
	}
	return k.PublicKey, private
}

// digestClient is the HTTP client the Atlas Go SDK builds: the
// mongodb-forks/digest transport.
func digestClient(public, private string) *http.Client {
	return &http.Client{Transport: digest.NewTransport(public, private)}
}

// call sends a request and returns the status, the body and the response.
func (f *apiFixture) call(c *http.Client, method, path, body string, header ...string) (int, []byte, *http.Response) {
	f.t.Helper()
	var r io.Reader
	if body != "" {
		r = bytes.NewBufferString(body)
	}
	req, err := http.NewRequest(method, f.srv.URL+path, r)
	if err != nil {
		f.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return resp.StatusCode, b, resp
}

// apiErr decodes the API error shape and checks its parts agree.
func apiErr(t *testing.T, status int, b []byte) APIError {
	t.Helper()
	var e APIError
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("error body is not the JSON error shape: %v: %s", err, b)
	}
	if e.Error != status || e.ErrorCode == "" || e.Detail == "" || e.Reason != http.StatusText(status) || e.Parameters == nil {
		t.Fatalf("error body does not match status %d: %s", status, b)
	}
	return e
}

// grantBody is a grant request body expiring d from the server's now.
func (f *apiFixture) grantBody(t models.GrantType, d time.Duration) string {
	return `{"grantType":"` + string(t) + `","expirationTime":"` + f.store.Now().Add(d).Format(time.RFC3339) + `"}`
}

func (f *apiFixture) clusterPath(name string) string {
	return "/api/atlas/v2/groups/" + f.prod.ID + "/clusters/" + name
}

// tableCounts is how many rows each table holds, to prove nothing changed.
func (f *apiFixture) tableCounts() map[string]int64 {
	f.t.Helper()
	out := map[string]int64{}
	for _, tb := range []string{"grants", "events", "organizations", "api_keys", "service_accounts", "access_tokens"} {
		var n int64
		if err := storetest.DB(f.store).Table(tb).Count(&n).Error; err != nil {
			f.t.Fatal(err)
		}
		out[tb] = n
	}
	var blocked int64
	storetest.DB(f.store).Table("organizations").Where("block_support_access = ?", true).Count(&blocked)
	out["blocked"] = blocked
	return out
}
