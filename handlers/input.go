package handlers

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
)

// refuseControlChars answers 400 to a request whose path, query or form
// body holds a control character (httpx.ControlFree), on every surface,
// before any handler reads them. JSON bodies are checked where they are
// decoded.
func (s *Server) refuseControlChars(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if controlFreeRequest(c.Request()) {
			return next(c)
		}
		if strings.HasPrefix(c.Request().URL.Path, "/api/") {
			return httpx.BadRequest("INVALID_INPUT", "", httpx.ErrControlChars)
		}
		return s.console.ErrorPage(c, http.StatusBadRequest, httpx.ErrControlChars)
	}
}

// controlFreeRequest reports whether r's path, query and form body are
// free of control characters; a form that cannot be parsed is not.
func controlFreeRequest(r *http.Request) bool {
	if !httpx.ControlFree(r.URL.Path) {
		return false
	}
	if r.URL.RawQuery != "" {
		for k, vs := range r.URL.Query() {
			if !httpx.ControlFree(k) || !httpx.ControlFree(vs...) {
				return false
			}
		}
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType)); mt != "application/x-www-form-urlencoded" || r.Method == http.MethodGet {
		return true
	}
	// Read and put back, so that the handler (or the Admin API's media
	// type check) sees the body as sent.
	b, err := io.ReadAll(r.Body)
	if err != nil {
		// Too large, or cut: the handler meets the same error and answers it.
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(b), failedReader{err}))
		return true
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	form, err := url.ParseQuery(string(b))
	if err != nil {
		return false
	}
	for k, vs := range form {
		if !httpx.ControlFree(k) || !httpx.ControlFree(vs...) {
			return false
		}
	}
	return true
}

// failedReader gives back the error a body's first reading met.
type failedReader struct{ err error }

func (f failedReader) Read([]byte) (int, error) { return 0, f.err }
