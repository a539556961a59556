// Command baseline is the bench task's yardstick: a bare Echo server with
// one route answering "ok", on the same Echo version and with the same
// http.Server settings as the console, so that the bench table's ratios
// measure our code and nothing else. A second route, /static?bytes=N,
// answers N bytes of fixed HTML (at most 4 MiB), prepared once: the
// ceiling for any page of that size on the machine. It is a separate
// program rather than a mode of the console binary so that no bench-only
// switch ships.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8090", "address to listen on")
	flag.Parse()
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	page := bytes.Repeat([]byte("<tr><td>cluster</td></tr>\n"), (4<<20)/26+1)
	e.GET("/static", func(c echo.Context) error {
		n, err := strconv.Atoi(c.QueryParam("bytes"))
		if err != nil || n < 0 || n > 4<<20 {
			return c.String(http.StatusBadRequest, "bytes must be a number from 0 to 4194304")
		}
		return c.HTMLBlob(http.StatusOK, page[:n])
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
	hs := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	fmt.Fprintln(os.Stderr, "baseline: serving", "http://"+ln.Addr().String())
	if err := hs.Serve(ln); err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
}
