package handlertest

import (
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// BrowserAt is a browser that connects from addr, optionally over TLS and
// with extra headers (a proxy's).
type BrowserAt struct {
	t       testing.TB
	e       http.Handler
	addr    string
	TLS     bool              // connect over TLS
	Header  map[string]string // sent with every request
	Cookies map[string]*http.Cookie
}

// NewBrowserAt is a browser of e that connects from addr.
func NewBrowserAt(t testing.TB, e http.Handler, addr string) *BrowserAt {
	return &BrowserAt{t: t, e: e, addr: addr, Header: map[string]string{}, Cookies: map[string]*http.Cookie{}}
}

// Do sends one request with the jar's cookies and keeps the cookies set.
func (b *BrowserAt) Do(method, path string, form url.Values) *http.Response {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		if ck := b.Cookie("sa_csrf"); ck != nil {
			form = WithCSRF(form, ck.Value)
		}
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	req.RemoteAddr = b.addr
	if b.TLS {
		req.TLS = &tls.ConnectionState{}
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range b.Header {
		req.Header.Set(k, v)
	}
	for _, ck := range b.Cookies {
		req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
	}
	rec := httptest.NewRecorder()
	b.e.ServeHTTP(rec, req)
	res := rec.Result()
	for _, ck := range res.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(b.Cookies, ck.Name)
		} else {
			b.Cookies[ck.Name] = ck
		}
	}
	return res
}

// Cookie is the jar's cookie of that name, under the __Host- prefix the
// server gives it over TLS or without.
func (b *BrowserAt) Cookie(name string) *http.Cookie {
	if ck := b.Cookies["__Host-"+name]; ck != nil {
		return ck
	}
	return b.Cookies[name]
}

// Login loads the form and posts it, returning the answer to the post.
func (b *BrowserAt) Login(email, pw string) *http.Response {
	b.t.Helper()
	b.Do(http.MethodGet, "/login", nil)
	return b.Do(http.MethodPost, "/login", url.Values{"email": {email}, "password": {pw}})
}
