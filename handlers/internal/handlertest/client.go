package handlertest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
)

// Client is one browser: a cookie jar in front of the fixture's router.
type Client struct {
	F       *Fixture
	Cookies map[string]*http.Cookie
}

// Anon is a browser with no cookies yet.
func (f *Fixture) Anon() *Client { return &Client{F: f, Cookies: map[string]*http.Cookie{}} }

// Login logs a user in through the login form, as a browser would.
func (f *Fixture) Login(email string) *Client {
	f.T.Helper()
	c := f.Anon()
	c.MustStatus(c.Get("/login"), http.StatusOK)
	rec := c.Post("/login", url.Values{"email": {email}, "password": {Password}})
	c.MustStatus(rec, http.StatusSeeOther)
	if c.Cookies["sa_session"] == nil {
		f.T.Fatalf("login of %s set no session cookie", email)
	}
	return c
}

// Clone copies the jar, to replay old cookies later.
func (c *Client) Clone() *Client {
	n := &Client{F: c.F, Cookies: map[string]*http.Cookie{}}
	for k, v := range c.Cookies {
		cp := *v
		n.Cookies[k] = &cp
	}
	return n
}

// CSRF is the token a form of this browser carries.
func (c *Client) CSRF() string {
	if ck := c.Cookies["sa_csrf"]; ck != nil {
		return ck.Value
	}
	return ""
}

// Do sends one request with the jar's cookies and keeps the cookies set.
func (c *Client) Do(method, path string, form url.Values, header map[string]string) *httptest.ResponseRecorder {
	c.F.T.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	for _, ck := range c.Cookies {
		req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
	}
	rec := httptest.NewRecorder()
	c.F.Echo.ServeHTTP(rec, req)
	for _, ck := range rec.Result().Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.Cookies, ck.Name)
		} else {
			c.Cookies[ck.Name] = ck
		}
	}
	return rec
}

// Get is a plain browser GET.
func (c *Client) Get(path string) *httptest.ResponseRecorder {
	return c.Do(http.MethodGet, path, nil, nil)
}

// HxGet is the GET htmx sends to swap a partial in.
func (c *Client) HxGet(path string) *httptest.ResponseRecorder {
	return c.Do(http.MethodGet, path, nil, map[string]string{"HX-Request": "true"})
}

// Post submits a form with this browser's CSRF token.
func (c *Client) Post(path string, form url.Values) *httptest.ResponseRecorder {
	form = WithCSRF(form, c.CSRF())
	return c.Do(http.MethodPost, path, form, nil)
}

// HxPost is a form htmx submits, with the token in the form as the pages render it.
func (c *Client) HxPost(path string, form url.Values) *httptest.ResponseRecorder {
	form = WithCSRF(form, c.CSRF())
	return c.Do(http.MethodPost, path, form, map[string]string{"HX-Request": "true"})
}

// WithCSRF is a copy of form with the CSRF token set.
func WithCSRF(form url.Values, token string) url.Values {
	out := url.Values{}
	for k, v := range form {
		out[k] = v
	}
	out.Set("_csrf", token)
	return out
}

// MustStatus fails the test unless the answer has the status.
func (c *Client) MustStatus(rec *httptest.ResponseRecorder, want int) {
	c.F.T.Helper()
	if rec.Code != want {
		c.F.T.Fatalf("status %d, want %d; body:\n%s", rec.Code, want, Excerpt(rec.Body.String()))
	}
}

// RawServe sends one raw request to the fixture's router, with no jar.
func (f *Fixture) RawServe(method, path, body string, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	f.Echo.ServeHTTP(rec, req)
	return rec
}
