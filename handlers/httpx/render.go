package httpx

import (
	"bytes"
	"strconv"
	"sync"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
)

// renderBufs holds the buffers pages are rendered into. A page is written
// whole, with its length, in one write: rendered straight into the
// response, a 140 KB page went out as dozens of chunked writes, and a
// component failing halfway left half a page behind a 200.
var renderBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuf keeps a rare huge page's buffer out of the pool.
const maxPooledBuf = 1 << 20

// Render writes a templ component as the response, whole.
func Render(c echo.Context, status int, comp templ.Component) error {
	buf := renderBufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= maxPooledBuf {
			renderBufs.Put(buf)
		}
	}()
	if err := comp.Render(c.Request().Context(), buf); err != nil {
		return err
	}
	return WriteBody(c, status, echo.MIMETextHTMLCharsetUTF8, buf.Bytes())
}

// WriteBody writes a whole response body, with its type and length, in
// one write. Callers build the body first, so that a failure on the way
// leaves the response unwritten for the error handler.
func WriteBody(c echo.Context, status int, contentType string, body []byte) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, contentType)
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
	c.Response().WriteHeader(status)
	_, err := c.Response().Write(body)
	return err
}

// IsPartial reports whether htmx asked for a fragment to swap in place,
// rather than a whole page (a history restore wants the whole page).
func IsPartial(c echo.Context) bool {
	h := c.Request().Header
	return h.Get("HX-Request") == "true" && h.Get("HX-History-Restore-Request") != "true"
}
