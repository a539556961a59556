package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"supportaccess/models"
	"supportaccess/models/store"
	"supportaccess/models/store/storetest"
)

// Helpers for tests that run real server instances: replicas in this
// process (replicas_test.go) and the binary in its own process
// (crash_test.go).

const demoPassword = "correct horse battery staple"

// replica is one server instance running the real serve command in this
// process, on its own port with its own connection pool, as one of several
// replicas behind a load balancer.
type replica struct {
	url  string
	logs *logWatch
}

// logWatch collects a server's log lines, finds the address it serves on
// and notes every answer with a 5xx status.
type logWatch struct {
	mu     sync.Mutex
	buf    strings.Builder
	lines  []string
	failed []string
	found  chan string
}

func newLogWatch() *logWatch { return &logWatch{found: make(chan string, 1)} }

func (w *logWatch) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for {
		s := w.buf.String()
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			break
		}
		w.line(s[:i])
		w.buf.Reset()
		w.buf.WriteString(s[i+1:])
	}
	return len(p), nil
}

func (w *logWatch) line(l string) {
	w.lines = append(w.lines, l)
	if i := strings.Index(l, "url=http://"); i >= 0 && strings.Contains(l, "msg=serving") {
		select {
		case w.found <- strings.Fields(l[i+len("url="):])[0]:
		default:
		}
	}
	if strings.Contains(l, "status=5") || strings.Contains(l, "level=ERROR") {
		w.failed = append(w.failed, l)
	}
}

// all returns every log line so far.
func (w *logWatch) all() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.lines...)
}

// failures returns the log lines of failed requests and errors.
func (w *logWatch) failures() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.failed...)
}

// startReplicas starts n replicas on one database at the same moment, so
// that they migrate and seed together, and stops them when the test ends.
func startReplicas(t *testing.T, dsn string, n int, args ...string) []*replica {
	t.Helper()
	out := make([]*replica, n)
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range out {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i], errs[i] = startReplica(t, dsn, args...)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func startReplica(t *testing.T, dsn string, args ...string) (*replica, error) {
	return startReplicaWith(t, dsn, nil, args...)
}

// startReplicaWith is startReplica with more environment variables.
func startReplicaWith(t *testing.T, dsn string, extra map[string]string, args ...string) (*replica, error) {
	ctx, cancel := context.WithCancel(context.Background())
	w := newLogWatch()
	vars := map[string]string{"SUPPORTACCESS_DEMO_PASSWORD": demoPassword}
	for k, v := range extra {
		vars[k] = v
	}
	e := env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: w, getenv: func(k string) string { return vars[k] }}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", dsn, "--seed-demo"}, args...), e)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("replica stopped with %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Errorf("replica did not stop")
		}
		for _, l := range w.failures() {
			t.Errorf("replica logged a failure: %s", l)
		}
	})
	select {
	case u := <-w.found:
		return &replica{url: u, logs: w}, nil
	case err := <-done:
		done <- err
		return nil, fmt.Errorf("replica did not start: %v", err)
	case <-time.After(60 * time.Second):
		return nil, fmt.Errorf("replica did not start within a minute")
	}
}

// browser is a console client: a cookie jar shared by every replica (as
// behind a load balancer), no redirects followed, CSRF header from the
// cookie.
type browser struct {
	t   *testing.T
	jar *cookiejar.Jar
	c   *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, jar: jar, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends a request and returns the status, the Location header and the
// body; a transport error is returned as is.
func (b *browser) do(method, u string, form url.Values, htmx bool) (int, string, string, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		return 0, "", "", err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, c := range b.jar.Cookies(req.URL) {
		if c.Name == "sa_csrf" {
			req.Header.Set("X-CSRF-Token", c.Value)
		}
	}
	if htmx {
		req.Header.Set("HX-Request", "true")
	}
	res, err := b.c.Do(req)
	if err != nil {
		return 0, "", "", err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), string(data), err
}

// must is do for requests that must reach the server.
func (b *browser) must(method, u string, form url.Values, htmx bool) (int, string, string) {
	b.t.Helper()
	status, loc, body, err := b.do(method, u, form, htmx)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, u, err)
	}
	return status, loc, body
}

// login logs the demo owner in on one replica.
func (b *browser) login(base, password string) {
	b.t.Helper()
	b.must("GET", base+"/login", nil, false)
	status, loc, body := b.must("POST", base+"/login", url.Values{"email": {models.DemoOwnerEmail}, "password": {password}}, false)
	if status != http.StatusSeeOther || loc != "/" {
		b.t.Fatalf("login on %s: %d %q %.300s", base, status, loc, body)
	}
}

// loggedIn reports whether the browser's session opens the clusters page.
func (b *browser) loggedIn(base, projectID string) bool {
	b.t.Helper()
	status, loc, body := b.must("GET", base+"/groups/"+projectID+"/clusters", nil, false)
	switch {
	case status == http.StatusOK && strings.Contains(body, "orders-prod"):
		return true
	case status == http.StatusSeeOther && strings.HasPrefix(loc, "/login"):
		return false
	}
	b.t.Fatalf("clusters page: %d %q %.300s", status, loc, body)
	return false
}

// demo opens a store on the replicas' database and finds the demo owner
// and the Production project.
func demo(t *testing.T, dsn string) (*store.Store, models.Actor, models.Project) {
	t.Helper()
	s, err := store.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	org, err := s.OrgByName(ctx, "Acme Corp")
	if err != nil {
		t.Fatal(err)
	}
	prod, err := s.ProjectByName(ctx, org.ID, "Production")
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.UserByEmail(ctx, models.DemoOwnerEmail)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.UserPrincipal(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	return s, models.Actor{Principal: p, RemoteAddr: "192.0.2.7"}, prod
}

// countEvents counts the events of one type.
func countEvents(t *testing.T, s *store.Store, typ models.EventType) int64 {
	t.Helper()
	var n int64
	if err := storetest.DB(s).Model(&models.Event{}).Where("type = ?", typ).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}
