package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"supportaccess/handlers/internal/handlertest"
)

func TestStaticServesFilesAndListsNoDirectory(t *testing.T) {
	f := handlertest.New(t)
	for _, path := range []string{"/static/", "/static/.", "/static//", "/static/%2e/"} {
		rec := f.RawServe(http.MethodGet, path, "", nil)
		if rec.Code != http.StatusNotFound && !(rec.Code >= 300 && rec.Code < 400) || strings.Contains(rec.Body.String(), "app.css") {
			t.Errorf("GET %s: %d %q, want 404 and no listing", path, rec.Code, handlertest.Excerpt(rec.Body.String()))
		}
	}
	if rec := f.RawServe(http.MethodGet, "/static/app.css", "", nil); rec.Code != http.StatusOK || rec.Body.Len() == 0 {
		t.Fatalf("GET /static/app.css: %d", rec.Code)
	}
}
