package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"supportaccess/models"
)

// An open clusters page re-syncs with one request: the rows and the block
// banner, without the layout, and they show a change made elsewhere.
func TestClustersRefreshIsOneRequestForAllRows(t *testing.T) {
	f := newFixture(t)
	c := f.login(ownerEmail)
	refresh := func() (string, int) {
		rec := c.do(http.MethodGet, clustersURL(ids.prod), nil, map[string]string{"HX-Request": "true", "HX-Target": "clusters-body"})
		return rec.Body.String(), rec.Code
	}
	body, code := refresh()
	if code != http.StatusOK {
		t.Fatalf("refresh: %d", code)
	}
	if !strings.HasPrefix(strings.TrimSpace(body), `<tbody id="clusters-body"`) || strings.Contains(body, "<html") || strings.Contains(body, "Projects menu") {
		t.Fatalf("refresh is not just the rows: %s", excerpt(body))
	}
	if strings.Count(body, `data-testid="cluster-row"`) != 2 || !strings.Contains(body, "Support access is not blocked") {
		t.Fatalf("refresh lacks rows or banner: %s", excerpt(body))
	}
	// Another owner blocks access and grants: the next refresh shows both.
	f.setBlock(true)
	f.grant("analytics", models.GrantDatabaseLogs)
	body, _ = refresh()
	if !strings.Contains(body, "Support access is blocked for Acme Corp") || !strings.Contains(body, `data-testid="countdown"`) {
		t.Fatalf("refresh does not show the block and the grant: %s", excerpt(body))
	}
	// A plain request for the same address is still the whole page.
	if rec := c.get(clustersURL(ids.prod)); !strings.Contains(rec.Body.String(), "<html") {
		t.Fatalf("plain request did not get the page: %d", rec.Code)
	}
}
