package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"testing"
	"time"
)

// serveWith serves h under l on a loopback port, stopped when the test ends.
func serveWith(t *testing.T, h http.Handler, l serverLimits) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs, lim := newHTTPServer(h, ln, l)
	go func() { _ = hs.Serve(lim) }()
	t.Cleanup(func() { _ = hs.Close() })
	return ln.Addr().String()
}

func TestASlowBodyIsCutAtTheReadTimeout(t *testing.T) {
	l := defaultLimits
	l.read = 300 * time.Millisecond
	addr := serveWith(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.ReadAll(r.Body) }), l)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten b"); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(3 * time.Second))
	_, err = io.ReadAll(conn)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatal("a body that never arrives kept the connection open past the read timeout")
	}
}

func TestConnectionsAreCapped(t *testing.T) {
	l := defaultLimits
	l.connections = 2
	addr := serveWith(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") }), l)
	var held []net.Conn
	for range l.connections {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		held = append(held, c)
	}
	// Let the server accept the held ones before the third arrives.
	time.Sleep(100 * time.Millisecond)
	third, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer third.Close()
	if _, err := io.WriteString(third, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	_ = third.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if _, err := bufio.NewReader(third).ReadByte(); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("a connection over the cap was served at once: %v", err)
	}
	held[0].Close()
	_ = third.SetReadDeadline(time.Now().Add(3 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(third), nil)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("once a connection closed: %v", err)
	}
}
