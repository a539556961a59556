package handlers

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"supportaccess/handlers/httpx"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
)

// TestRenderWritesWholePagesOnly: a page goes out whole with its length;
// a component failing halfway leaves nothing of itself, and the error
// handler answers 500 with the error page.
func TestRenderWritesWholePagesOnly(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	s := New(nil, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{SessionKeys: [][]byte{key, key}})
	e := echo.New()
	e.HTTPErrorHandler = s.handleError
	// Longer than net/http buffers before it chunks a body of unknown length.
	whole := "<p>" + strings.Repeat("a whole page ", 1000) + "</p>"
	e.GET("/page", func(c echo.Context) error {
		return httpx.Render(c, http.StatusOK, templ.Raw(whole))
	})
	e.GET("/half", func(c echo.Context) error {
		return httpx.Render(c, http.StatusOK, templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
			if _, err := io.WriteString(w, "<p>the first half of the page"); err != nil {
				return err
			}
			return errors.New("the second half failed")
		}))
	})
	e.GET("/api/thing", func(c echo.Context) error {
		// What every Admin API success goes through (atlasapi's apiOK).
		return httpx.WriteAPIBody(c, http.StatusOK, "application/vnd.atlas.2024-08-05+json; charset=utf-8", map[string]string{"name": strings.Repeat("thing ", 1000)})
	})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	get := func(t *testing.T, path string) (*http.Response, string) {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		if res.Header.Get("Content-Length") != strconv.Itoa(len(body)) || len(res.TransferEncoding) != 0 {
			t.Fatalf("Content-Length %q, transfer encoding %q, for a body of %d bytes",
				res.Header.Get("Content-Length"), res.TransferEncoding, len(body))
		}
		return res, string(body)
	}

	t.Run("whole page", func(t *testing.T) {
		res, body := get(t, "/page")
		if res.StatusCode != http.StatusOK || body != whole || res.Header.Get("Content-Type") != echo.MIMETextHTMLCharsetUTF8 {
			t.Fatalf("%d %q: %.80q", res.StatusCode, res.Header.Get("Content-Type"), body)
		}
	})
	t.Run("failing halfway", func(t *testing.T) {
		res, body := get(t, "/half")
		if res.StatusCode != http.StatusInternalServerError || strings.Contains(body, "the first half") || !strings.Contains(body, "Internal error.") {
			t.Fatalf("%d, want 500 with the error page and nothing of the half page:\n%s", res.StatusCode, body)
		}
	})
	t.Run("api body", func(t *testing.T) {
		res, body := get(t, "/api/thing")
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(body, `{"name":"thing `) {
			t.Fatalf("%d: %.80q", res.StatusCode, body)
		}
	})
}
