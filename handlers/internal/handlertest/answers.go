package handlertest

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// Parse reads an HTML answer. A table row partial is read inside a table,
// as htmx swaps it, or the HTML parser would drop its <tr>.
func Parse(t testing.TB, rec *httptest.ResponseRecorder) *goquery.Document {
	t.Helper()
	body := rec.Body.String()
	if strings.HasPrefix(strings.TrimSpace(body), "<tr") {
		body = "<table>" + body + "</table>"
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// Text is an element's text with its white space folded.
func Text(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }

// Texts lists the folded texts of a selection's elements.
func Texts(s *goquery.Selection) []string {
	out := []string{}
	s.Each(func(_ int, e *goquery.Selection) { out = append(out, Text(e)) })
	return out
}

// Excerpt shortens a body for a failure message.
func Excerpt(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}

// ClustersURL is a project's clusters page.
func ClustersURL(project string) string { return "/groups/" + project + "/clusters" }

// ClusterURL is a console path under one cluster.
func ClusterURL(project, cluster, rest string) string {
	return "/groups/" + project + "/clusters/" + cluster + rest
}

// Row selects a cluster's row the way the Playwright specs do.
func Row(doc *goquery.Document, cluster string) *goquery.Selection {
	return doc.Find(`[data-testid="cluster-row"][data-cluster="` + cluster + `"]`)
}

// leakMarkers are what a stack trace, a Go error or SQL looks like.
var leakMarkers = []string{"goroutine ", "panic", ".go:", "runtime.", "SELECT ", "INSERT ", "UPDATE ", "DELETE FROM",
	"sqlite", "SQLSTATE", "gorm", "syntax error", "no such table", "constraint failed", "record not found"}

// Leak returns the first sign of internals in a body, or "".
func Leak(body string) string {
	for _, m := range leakMarkers {
		if strings.Contains(body, m) {
			return m
		}
	}
	return ""
}

// CheckAnswer fails an input whose answer is a server error or leaks.
// A marker the input itself holds may be quoted back in a message about
// it, so only markers absent from the inputs count.
func CheckAnswer(t testing.TB, what string, rec *httptest.ResponseRecorder, inputs ...string) {
	t.Helper()
	if rec.Code >= 500 {
		t.Fatalf("%s: status %d: %.500s", what, rec.Code, rec.Body.String())
	}
	if rec.Code < 400 {
		return
	}
	for _, v := range inputs { // a query value is quoted back decoded
		if u, err := url.QueryUnescape(v); err == nil {
			inputs = append(inputs, u)
		}
	}
	in := strings.ToLower(strings.Join(inputs, "\x00"))
	for _, m := range leakMarkers {
		if strings.Contains(rec.Body.String(), m) && !strings.Contains(in, strings.ToLower(m)) {
			t.Fatalf("%s: status %d body shows %q: %.500s", what, rec.Code, m, rec.Body.String())
		}
	}
}
