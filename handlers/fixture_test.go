package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/labstack/echo/v4"

	"supportaccess/handlers"
	"supportaccess/models"
	"supportaccess/models/store"
	"supportaccess/models/store/storetest"
)

// The handler tests drive the real router on a real SQLite file. Users
// cost ~50 ms each to create (argon2id), so one template database with the
// demo organization, one user per role and a second organization is built
// once; every test then works on its own copy of that file.

const password = "correct horse battery staple"

// Logins of the template database, one per role.
const (
	ownerEmail   = models.DemoOwnerEmail // ORG_OWNER of Acme Corp
	memberEmail  = "member@acme.test"    // ORG_MEMBER, in no project
	orgROEmail   = "auditor@acme.test"   // ORG_READ_ONLY
	pOwnerEmail  = "lead@acme.test"      // GROUP_OWNER of Production
	samEmail     = "sam@acme.test"       // GROUP_SUPPORT_ACCESS_MANAGER of Production
	readerEmail  = "reader@acme.test"    // GROUP_READ_ONLY of Production
	globexEmail  = "owner@globex.test"   // ORG_OWNER of Globex, the other organization
	globexName   = "Globex"
	globexPrName = "Globex Prod"
	globexClName = "globex-1"
)

// ids are the template's identifiers; every copy has the same.
var ids struct {
	org, prod, staging, globex, globexProd string
}

var (
	templateOnce sync.Once
	templateDir  string
	templateErr  error
	startClock   = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
)

func TestMain(m *testing.M) {
	code := m.Run()
	if templateDir != "" {
		os.RemoveAll(templateDir)
	}
	os.Exit(code)
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
	s.Now = func() time.Time { return startClock }
	if err := s.Migrate(ctx); err != nil {
		return err
	}
	if _, err := s.SeedDemo(ctx, password); err != nil {
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
	globex, err := s.CreateOrg(ctx, globexName)
	if err != nil {
		return err
	}
	gp, err := s.CreateProject(ctx, globex.ID, globexPrName)
	if err != nil {
		return err
	}
	if _, err := s.CreateCluster(ctx, gp.ID, globexClName, true); err != nil {
		return err
	}
	users := []struct {
		email, org string
		role       models.Role
		project    string
	}{
		{memberEmail, org.ID, models.OrgMember, ""},
		{orgROEmail, org.ID, models.OrgReadOnly, ""},
		{pOwnerEmail, org.ID, models.ProjectOwner, prod.ID},
		{samEmail, org.ID, models.ProjectSupportAccessManager, prod.ID},
		{readerEmail, org.ID, models.ProjectReadOnly, prod.ID},
		{globexEmail, globex.ID, models.OrgOwner, ""},
	}
	for _, u := range users {
		if _, err := s.CreateUser(ctx, u.email, password, u.org, u.role, u.project); err != nil {
			return err
		}
	}
	ids.org, ids.prod, ids.staging, ids.globex, ids.globexProd = org.ID, prod.ID, staging.ID, globex.ID, gp.ID
	// Fold the write-ahead log into the file so that a plain copy is whole.
	return storetest.DB(s).Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error
}

// fixture is one test's server: the real router on a copy of the template
// database, with a clock the test moves.
type fixture struct {
	t     *testing.T
	store *store.Store
	e     *echo.Echo
	mu    sync.Mutex
	clock time.Time
	// log collects what the server logs, to show when a test fails.
	log strings.Builder
}

func newFixture(t *testing.T) *fixture {
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
	f := &fixture{t: t, store: s, clock: startClock}
	s.Now = func() time.Time {
		f.mu.Lock()
		defer f.mu.Unlock()
		return f.clock
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	keys := [][]byte{[]byte("0123456789abcdef0123456789abcdef"), []byte("fedcba9876543210fedcba9876543210")}
	f.e = handlers.New(s, log, handlers.Config{SessionKeys: keys, PollSeconds: 5}).Echo()
	return f
}

// advance moves the store's clock.
func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.clock = f.clock.Add(d)
}

// actor is a user as the models see them, for arranging state directly.
func (f *fixture) actor(email string) models.Actor {
	f.t.Helper()
	ctx := context.Background()
	u, err := f.store.UserByEmail(ctx, email)
	if err != nil {
		f.t.Fatal(err)
	}
	p, err := f.store.UserPrincipal(ctx, u)
	if err != nil {
		f.t.Fatal(err)
	}
	return models.Actor{Principal: p, RemoteAddr: "198.51.100.7"}
}

// setBlock turns Acme's block setting on or off as its owner.
func (f *fixture) setBlock(on bool) {
	f.t.Helper()
	if _, err := f.store.SetBlock(context.Background(), f.actor(ownerEmail), ids.org, on); err != nil {
		f.t.Fatal(err)
	}
}

// grant grants access to a Production cluster as Acme's owner.
func (f *fixture) grant(cluster string, t models.GrantType) models.Grant {
	f.t.Helper()
	res, err := f.store.GrantAccess(context.Background(), f.actor(ownerEmail),
		models.GrantRequest{ProjectID: ids.prod, ClusterName: cluster, Type: t})
	if err != nil {
		f.t.Fatal(err)
	}
	return res.Grant
}

// count counts the rows of a table, by its entity.
func (f *fixture) count(model any) int64 {
	f.t.Helper()
	var n int64
	if err := storetest.DB(f.store).Model(model).Count(&n).Error; err != nil {
		f.t.Fatal(err)
	}
	return n
}

// openGrants counts the grants not yet closed.
func (f *fixture) openGrants() int64 {
	f.t.Helper()
	var n int64
	if err := storetest.DB(f.store).Model(&models.Grant{}).Where("closed_at = 0").Count(&n).Error; err != nil {
		f.t.Fatal(err)
	}
	return n
}

// blocked reads an organization's block setting from the database.
func (f *fixture) blocked(orgID string) bool {
	f.t.Helper()
	var o models.Organization
	if err := storetest.DB(f.store).First(&o, "id = ?", orgID).Error; err != nil {
		f.t.Fatal(err)
	}
	return o.BlockSupportAccess
}

// client is one browser: a cookie jar in front of the router.
type client struct {
	f       *fixture
	cookies map[string]*http.Cookie
}

func (f *fixture) anon() *client { return &client{f: f, cookies: map[string]*http.Cookie{}} }

// login logs a user in through the login form, as a browser would.
func (f *fixture) login(email string) *client {
	f.t.Helper()
	c := f.anon()
	c.mustStatus(c.get("/login"), http.StatusOK)
	rec := c.post("/login", url.Values{"email": {email}, "password": {password}})
	c.mustStatus(rec, http.StatusSeeOther)
	if c.cookies["sa_session"] == nil {
		f.t.Fatalf("login of %s set no session cookie", email)
	}
	return c
}

// clone copies the jar, to replay old cookies later.
func (c *client) clone() *client {
	n := &client{f: c.f, cookies: map[string]*http.Cookie{}}
	for k, v := range c.cookies {
		cp := *v
		n.cookies[k] = &cp
	}
	return n
}

// csrf is the token a form of this browser carries.
func (c *client) csrf() string {
	if ck := c.cookies["sa_csrf"]; ck != nil {
		return ck.Value
	}
	return ""
}

// do sends one request with the jar's cookies and keeps the cookies set.
func (c *client) do(method, path string, form url.Values, header map[string]string) *httptest.ResponseRecorder {
	c.f.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	for _, ck := range c.cookies {
		req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
	}
	rec := httptest.NewRecorder()
	c.f.e.ServeHTTP(rec, req)
	for _, ck := range rec.Result().Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck
		}
	}
	return rec
}

// get is a plain browser GET.
func (c *client) get(path string) *httptest.ResponseRecorder {
	return c.do(http.MethodGet, path, nil, nil)
}

// hxGet is the GET htmx sends to swap a partial in.
func (c *client) hxGet(path string) *httptest.ResponseRecorder {
	return c.do(http.MethodGet, path, nil, map[string]string{"HX-Request": "true"})
}

// post submits a form with this browser's CSRF token.
func (c *client) post(path string, form url.Values) *httptest.ResponseRecorder {
	form = withCSRF(form, c.csrf())
	return c.do(http.MethodPost, path, form, nil)
}

// hxPost is a form htmx submits, with the token in the form as the pages render it.
func (c *client) hxPost(path string, form url.Values) *httptest.ResponseRecorder {
	form = withCSRF(form, c.csrf())
	return c.do(http.MethodPost, path, form, map[string]string{"HX-Request": "true"})
}

func withCSRF(form url.Values, token string) url.Values {
	out := url.Values{}
	for k, v := range form {
		out[k] = v
	}
	out.Set("_csrf", token)
	return out
}

func (c *client) mustStatus(rec *httptest.ResponseRecorder, want int) {
	c.f.t.Helper()
	if rec.Code != want {
		c.f.t.Fatalf("status %d, want %d; body:\n%s", rec.Code, want, excerpt(rec.Body.String()))
	}
}

// parse reads an HTML answer. A table row partial is read inside a table,
// as htmx swaps it, or the HTML parser would drop its <tr>.
func parse(t *testing.T, rec *httptest.ResponseRecorder) *goquery.Document {
	t.Helper()
	body := rec.Body.String()
	if strings.HasPrefix(strings.TrimSpace(body), "<tr") {
		body = "<table>" + body + "</table>"
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// text is an element's text with its white space folded.
func text(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }

// texts lists the folded texts of a selection's elements.
func texts(s *goquery.Selection) []string {
	out := []string{}
	s.Each(func(_ int, e *goquery.Selection) { out = append(out, text(e)) })
	return out
}

// excerpt shortens a body for a failure message.
func excerpt(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}

// clustersURL and clusterURL build console paths.
func clustersURL(project string) string { return "/groups/" + project + "/clusters" }
func clusterURL(project, cluster, rest string) string {
	return "/groups/" + project + "/clusters/" + cluster + rest
}

// row selects a cluster's row the way the Playwright specs do.
func row(doc *goquery.Document, cluster string) *goquery.Selection {
	return doc.Find(`[data-testid="cluster-row"][data-cluster="` + cluster + `"]`)
}
