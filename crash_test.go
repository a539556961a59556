package main

import (
	"bufio"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"supportaccess/models"
	"supportaccess/models/pgtest"
	"supportaccess/models/store/storetest"
)

// TestCrashKeepsAcknowledgedGrants builds the server binary, puts it under
// a load of grants, kills it with SIGKILL mid-load and starts it again:
// every grant the server acknowledged (303) is still there, on SQLite and
// on PostgreSQL.
func TestCrashKeepsAcknowledgedGrants(t *testing.T) {
	bin := buildServer(t)
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "crash.db")
			if backend == "postgres" {
				dsn = pgtest.Database(t)
			}
			p := startProcess(t, bin, dsn)
			acked := grantUntilKilled(t, p, dsn)
			t.Logf("%d grants acknowledged before SIGKILL", len(acked))

			p2 := startProcess(t, bin, dsn)
			br := newBrowser(t)
			if status, _, _ := br.must("GET", p2.url+"/readyz", nil, false); status != http.StatusOK {
				t.Fatalf("readyz after restart: %d", status)
			}
			br.login(p2.url, demoPassword)
			s, _, _ := demo(t, dsn)
			var keys []string
			if err := storetest.DB(s).Model(&models.Grant{}).Where("request_key IS NOT NULL").Pluck("request_key", &keys).Error; err != nil {
				t.Fatal(err)
			}
			// A grant of the type in force extends it: its form's key is
			// kept beside the grant it extended.
			var extended []string
			if err := storetest.DB(s).Table("grant_extensions").Pluck("request_key", &extended).Error; err != nil {
				t.Fatal(err)
			}
			stored := map[string]bool{}
			for _, k := range append(keys, extended...) {
				stored[k] = true
			}
			for _, k := range acked {
				if !stored[k] {
					t.Errorf("grant %s was acknowledged but is gone after the crash", k)
				}
			}
			var open int64
			if err := storetest.DB(s).Model(&models.Grant{}).Where("closed_at = 0").Group("cluster_id").Having("COUNT(*) > 1").Count(&open).Error; err != nil {
				t.Fatal(err)
			}
			if open != 0 {
				t.Errorf("%d clusters with more than one open grant after the crash", open)
			}
			p2.stop(t)
		})
	}
}

// buildServer builds the binary once for the test, as the operator would.
func buildServer(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "supportaccess")
	out, err := exec.Command(goBin, "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// process is a server binary running as its own process.
type process struct {
	cmd    *exec.Cmd
	url    string
	logs   *logWatch
	exited chan struct{}
}

// startProcess starts the binary on dsn, with env (KEY=VALUE) added to
// the environment.
func startProcess(t *testing.T, bin, dsn string, env ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", dsn, "--seed-demo")
	cmd.Env = append(append(os.Environ(), "SUPPORTACCESS_DEMO_PASSWORD="+demoPassword, "DATABASE_URL=", "SUPPORTACCESS_SESSION_KEYS="), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, logs: newLogWatch(), exited: make(chan struct{})}
	go func() { // drain the log, or the server would block on a full pipe
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			fmt.Fprintln(p.logs, sc.Text())
		}
		_ = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.exited
		for _, l := range p.logs.failures() {
			t.Errorf("server logged a failure: %s", l)
		}
	})
	select {
	case p.url = <-p.logs.found:
		return p
	case <-p.exited:
		t.Fatalf("server exited at start: %s", strings.Join(p.logs.all(), "\n"))
	case <-time.After(60 * time.Second):
		t.Fatal("server did not start within a minute")
	}
	return nil
}

// stop ends the server gracefully and checks that it exits cleanly.
func (p *process) stop(t *testing.T) {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(20 * time.Second):
		t.Fatal("server did not stop on SIGTERM")
	}
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("server exited with %d after SIGTERM", code)
	}
}

// grantUntilKilled grants from six clients across the demo clusters and
// kills the server with SIGKILL while requests are in flight. It returns
// the request keys of the grants the server acknowledged.
func grantUntilKilled(t *testing.T, p *process, dsn string) []string {
	t.Helper()
	_, _, prod := demo(t, dsn)
	br := newBrowser(t)
	br.login(p.url, demoPassword)
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	killed := make(chan struct{})
	clusters := []string{"orders-prod", "analytics"}
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-killed:
					return
				default:
				}
				key := fmt.Sprintf("crash-%d-%d", g, i)
				form := url.Values{"grantType": {string(models.GrantInfrastructure)}, "requestKey": {key}}
				status, loc, body, err := br.do("POST", p.url+"/groups/"+prod.ID+"/clusters/"+clusters[(g+i)%2]+"/grant", form, false)
				if err != nil {
					return // the server is gone
				}
				switch {
				case status == http.StatusSeeOther && strings.HasSuffix(loc, "/clusters"):
					mu.Lock()
					acked = append(acked, key)
					mu.Unlock()
				case status >= 500:
					t.Errorf("grant: %d %.200s", status, body)
					return
				}
			}
		}()
	}
	// Kill once a good number of grants went through, with more in flight.
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 60 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.exited
	close(killed)
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(acked) == 0 {
		t.Fatal("no grant was acknowledged before the kill")
	}
	return append([]string(nil), acked...)
}
