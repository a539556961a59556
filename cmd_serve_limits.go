package main

import (
	"net"
	"net/http"
	"time"

	"golang.org/x/net/netutil"
)

// serverLimits bound what one client can hold of the server: without
// them a slow body stays open forever and enough idle connections
// exhaust the file descriptors.
type serverLimits struct {
	readHeader, read, write, idle time.Duration
	connections                   int
}

// defaultLimits: a request's headers within 10 s and all of it within 30 s
// (bodies are at most 64 KiB); an answer within 60 s, except the log
// download, which extends its own deadline as it streams
// (supportapi/database_log_download.go); 2,000 connections at once, far
// above what the console needs and below the usual descriptor limit.
var defaultLimits = serverLimits{readHeader: 10 * time.Second, read: 30 * time.Second, write: 60 * time.Second, idle: 120 * time.Second, connections: 2000}

// newHTTPServer serves h under the limits l, and caps ln's connections.
func newHTTPServer(h http.Handler, ln net.Listener, l serverLimits) (*http.Server, net.Listener) {
	hs := &http.Server{Handler: h, ReadHeaderTimeout: l.readHeader, ReadTimeout: l.read, WriteTimeout: l.write, IdleTimeout: l.idle}
	return hs, netutil.LimitListener(ln, l.connections)
}
