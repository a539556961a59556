package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// TestRedactDSNHidesEveryPassword: the database URL that serve logs keeps
// its host and options but no password, wherever the password was written.
func TestRedactDSNHidesEveryPassword(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"data/supportaccess.db", "data/supportaccess.db"},
		{"postgres://app:s3cret@db.internal:5432/sa?sslmode=require", "postgres://app:***@db.internal:5432/sa?sslmode=require"},
		{"postgres://app@db.internal/sa?password=s3cret&sslmode=disable", "postgres://app@db.internal/sa?password=***&sslmode=disable"},
		{"postgresql://db.internal/sa?sslmode=verify-full&PassWord=s3cret", "postgresql://db.internal/sa?sslmode=verify-full&PassWord=***"},
		{"postgres://app:s3cret@db/sa?sslpassword=k3y", "postgres://app:***@db/sa?sslpassword=***"},
		{"host=db user=app password=s3cret dbname=sa", "host=db user=app password=*** dbname=sa"},
		// Not a URL net/url accepts (a bare % in the password): the fallback still hides it.
		{"postgres://app:s3%cret@db/sa?password=s3%cret", "postgres://app:***@db/sa?password=***"},
	} {
		got := redactDSN(tc.in)
		if got != tc.want {
			t.Errorf("redactDSN(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if strings.Contains(got, "s3") || strings.Contains(got, "k3y") {
			t.Errorf("redactDSN(%q) = %q still holds a password", tc.in, got)
		}
	}
}

func b64(n int, fill byte) string {
	return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{fill}, n))
}

// TestSessionKeysFromTheEnvironment: SUPPORTACCESS_SESSION_KEYS is read as
// pairs, newest first, and anything malformed stops the server with a
// message that says what a pair is.
func TestSessionKeysFromTheEnvironment(t *testing.T) {
	newest, older := b64(64, 1)+":"+b64(32, 2), b64(32, 3)+":"+b64(32, 4)
	with := func(v string) env {
		return env{getenv: func(k string) string {
			if k == "SUPPORTACCESS_SESSION_KEYS" {
				return v
			}
			return ""
		}}
	}
	keys, err := sessionKeys(context.Background(), with(newest+"  "+older), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]byte{bytes.Repeat([]byte{1}, 64), bytes.Repeat([]byte{2}, 32), bytes.Repeat([]byte{3}, 32), bytes.Repeat([]byte{4}, 32)}
	if len(keys) != len(want) {
		t.Fatalf("%d keys, want %d", len(keys), len(want))
	}
	for i := range want {
		if !bytes.Equal(keys[i], want[i]) {
			t.Errorf("key %d = %x, want %x", i, keys[i], want[i])
		}
	}
	for _, bad := range []string{
		b64(32, 1),                      // no block key
		b64(31, 1) + ":" + b64(32, 2),   // hash key too short
		b64(32, 1) + ":" + b64(16, 2),   // block key not 32 bytes
		"not*base64:" + b64(32, 2),      // not base64
		newest + " " + b64(32, 1) + ":", // a good pair and a bad one
	} {
		if _, err := sessionKeys(context.Background(), with(bad), nil); err == nil || !strings.Contains(err.Error(), "base64(hash key, 32+ bytes):base64(block key, 32 bytes)") {
			t.Errorf("SUPPORTACCESS_SESSION_KEYS=%q: err %v, want the format explained", bad, err)
		}
	}
}

// TestSessionKeysRotate: a session signed with the old keys survives a
// restart that puts new keys first and keeps the old ones second, and ends
// when the old keys are dropped.
func TestSessionKeysRotate(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "rotate.db")
	oldKeys, newKeys := b64(32, 7)+":"+b64(32, 8), b64(32, 9)+":"+b64(32, 10)
	first, err := startReplicaWith(t, dsn, map[string]string{"SUPPORTACCESS_SESSION_KEYS": oldKeys})
	if err != nil {
		t.Fatal(err)
	}
	_, _, prod := demo(t, dsn)
	b := newBrowser(t)
	b.login(first.url, demoPassword)
	if !b.loggedIn(first.url, prod.ID) {
		t.Fatal("not logged in under the keys that signed the cookie")
	}
	rotated, err := startReplicaWith(t, dsn, map[string]string{"SUPPORTACCESS_SESSION_KEYS": newKeys + " " + oldKeys})
	if err != nil {
		t.Fatal(err)
	}
	if !b.loggedIn(rotated.url, prod.ID) {
		t.Error("the session ended when new keys were put first")
	}
	dropped, err := startReplicaWith(t, dsn, map[string]string{"SUPPORTACCESS_SESSION_KEYS": newKeys})
	if err != nil {
		t.Fatal(err)
	}
	if b.loggedIn(dropped.url, prod.ID) {
		t.Error("a cookie signed with dropped keys still opens a session")
	}
	// A session made under the new keys works where they are known.
	b2 := newBrowser(t)
	b2.login(dropped.url, demoPassword)
	if !b2.loggedIn(rotated.url, prod.ID) {
		t.Error("a session signed with the newest keys is refused by a replica that has them first")
	}
}

// TestServeLeavesTheCollectorAlone: running serve in a process that did
// not start through main (every in-process test) changes no GC setting.
func TestServeLeavesTheCollectorAlone(t *testing.T) {
	// Known settings first, whatever ran before in this process.
	const percent, limit = 123, int64(1 << 40)
	prevPercent, prevLimit := debug.SetGCPercent(percent), debug.SetMemoryLimit(limit)
	t.Cleanup(func() { debug.SetGCPercent(prevPercent); debug.SetMemoryLimit(prevLimit) })
	if _, err := startReplica(t, filepath.Join(t.TempDir(), "gc.db")); err != nil {
		t.Fatal(err)
	}
	if got := debug.SetGCPercent(percent); got != percent {
		t.Errorf("serve set GC percent to %d (was %d)", got, percent)
	}
	if got := debug.SetMemoryLimit(-1); got != limit {
		t.Errorf("serve set the memory limit to %d (was %d)", got, limit)
	}
}

// TestShutdownFinishesRequestsInFlight: on SIGTERM (its context ending)
// serve stops taking connections, answers the request it is in the middle
// of reading, and returns without an error.
func TestShutdownFinishesRequestsInFlight(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := newLogWatch()
	vars := map[string]string{"SUPPORTACCESS_DEMO_PASSWORD": demoPassword}
	e := env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: w, getenv: func(k string) string { return vars[k] }}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "shutdown.db"), "--seed-demo"}, e)
	}()
	var base string
	select {
	case base = <-w.found:
	case err := <-done:
		t.Fatalf("serve did not start: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not start within a minute")
	}
	addr := strings.TrimPrefix(base, "http://")

	// A login whose body is half sent: the server is inside the handler,
	// reading the form, when the shutdown begins.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// The login form's CSRF token: its cookie, sent back in the form.
	page, err := http.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page.Body.Close()
	var token string
	for _, ck := range page.Cookies() {
		if ck.Name == "sa_csrf" {
			token = ck.Value
		}
	}
	if token == "" {
		t.Fatal("the login page set no CSRF cookie")
	}
	form := "email=owner%40acme.test&password=" + strings.ReplaceAll(demoPassword, " ", "+") + "&_csrf=" + token
	half := len(form) / 2
	fmt.Fprintf(conn, "POST /login HTTP/1.1\r\nHost: %s\r\nSec-Fetch-Site: same-origin\r\nCookie: sa_csrf=%s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s", addr, token, len(form), form[:half])
	time.Sleep(200 * time.Millisecond)
	cancel()
	// The listener closes at once: a new connection is refused.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("new connections are still accepted 5 s after the shutdown began")
		}
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case err := <-done:
		t.Fatalf("serve returned (%v) while a request was in flight", err)
	default:
	}
	if _, err := io.WriteString(conn, form[half:]); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request in flight was not answered: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Errorf("the login in flight was answered %d %q, want 303 to /", res.StatusCode, res.Header.Get("Location"))
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve stopped with %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not return after its last request")
	}
}
