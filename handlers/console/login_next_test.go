package console_test

import (
	"net/http"
	"net/url"
	"testing"

	"supportaccess/handlers/internal/handlertest"
)

func TestLoginRedirectsOnlyToACleanPathOfThisSite(t *testing.T) {
	f := handlertest.New(t)
	cases := []struct{ next, want string }{
		{"/groups/p1/clusters", "/groups/p1/clusters"},
		{"/settings?tab=org#top", "/settings?tab=org#top"},
		{"", "/"},
		{"/%09/evil.example", "/"},
		{"/\t/evil.example", "/"},
		{"/%0a/evil.example", "/"},
		{"/%0d%0a/evil.example", "/"},
		{"/\r\n/evil.example", "/"},
		{"//evil.example", "/"},
		{"///evil.example", "/"},
		{"/\\evil.example", "/"},
		{"/%5Cevil.example", "/"},
		{"/%2F/evil.example", "/"},
		{"/%2f%2fevil.example", "/"},
		{"\\\\evil.example", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"evil.example", "/"},
		{"/%00/evil.example", "/"},
		{"/\x7f/evil.example", "400"}, // refused at input (handlers/input.go)
		{"/%zz", "/"},
	}
	for _, tc := range cases {
		t.Run(url.PathEscape(tc.next), func(t *testing.T) {
			b := handlertest.NewBrowserAt(t, f.Echo, "198.51.100.30:1000")
			b.Do(http.MethodGet, "/login", nil)
			res := b.Do(http.MethodPost, "/login", url.Values{"email": {handlertest.ReaderEmail}, "password": {handlertest.Password}, "next": {tc.next}})
			if tc.want == "400" {
				if res.StatusCode != http.StatusBadRequest || res.Header.Get("Location") != "" {
					t.Fatalf("next=%q: %d to %q, want 400", tc.next, res.StatusCode, res.Header.Get("Location"))
				}
				return
			}
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != tc.want {
				t.Fatalf("next=%q: %d to %q, want 303 to %q", tc.next, res.StatusCode, res.Header.Get("Location"), tc.want)
			}
		})
	}
}
