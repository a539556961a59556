package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"supportaccess/models"
)

func TestAPIKeysPageShowsPrivateKeyOnce(t *testing.T) {
	f := newFixture(t)
	c := f.login(ownerEmail)
	page := "/orgs/" + ids.org + "/apikeys"
	rec := c.get(page)
	c.mustStatus(rec, http.StatusOK)
	doc := parse(t, rec)
	if doc.Find(`[data-testid="apikeys-link"][aria-current="page"]`).Length() != 1 {
		t.Fatal("the sidebar has no current API Keys link")
	}

	rec = c.post(page, url.Values{"description": {"deploy script"}, "role": {"GROUP_SUPPORT_ACCESS_MANAGER"}, "project": {ids.prod}})
	c.mustStatus(rec, http.StatusOK)
	doc = parse(t, rec)
	pub := text(doc.Find(`[data-testid="new-id"]`))
	private := text(doc.Find(`[data-testid="new-secret-value"]`))
	if len(pub) != 8 || len(private) != 36 {
		t.Fatalf("new key not shown: %q %q", pub, private)
	}
	k, err := f.store.APIKeyByPublicKey(context.Background(), pub)
	if err != nil || k.HA1MD5 != models.DigestHA1("MD5", pub, private) || k.Role != models.ProjectSupportAccessManager || k.ProjectID != ids.prod {
		t.Fatalf("stored key: %+v %v", k, err)
	}
	// Shown once: the page lists the key but never its private key again.
	rec = c.get(page)
	body := rec.Body.String()
	if !strings.Contains(body, pub) || strings.Contains(body, private) || strings.Contains(body, `data-testid="new-secret"`) {
		t.Fatal("the list misses the key or shows its private key again")
	}

	rec = c.post("/orgs/"+ids.org+"/serviceaccounts", url.Values{"description": {"terraform"}, "role": {"ORG_OWNER"}})
	c.mustStatus(rec, http.StatusOK)
	doc = parse(t, rec)
	if id := text(doc.Find(`[data-testid="new-id"]`)); !strings.HasPrefix(id, "mdb_sa_id_") {
		t.Fatalf("service account not shown: %q", id)
	}

	// A project role without a project re-renders the form with the reason.
	n := f.count(&models.APIKey{})
	rec = c.post(page, url.Values{"description": {"x"}, "role": {"GROUP_OWNER"}})
	c.mustStatus(rec, http.StatusUnprocessableEntity)
	if msg := text(parse(t, rec).Find(`[data-testid="key-error"]`)); !strings.Contains(msg, "needs a project") || f.count(&models.APIKey{}) != n {
		t.Fatalf("error %q, keys %d -> %d", msg, n, f.count(&models.APIKey{}))
	}

	rec = c.post("/orgs/"+ids.org+"/apikeys/"+k.ID+"/delete", url.Values{})
	c.mustStatus(rec, http.StatusSeeOther)
	if f.count(&models.APIKey{}) != n-1 {
		t.Fatal("key not deleted")
	}
}

func TestAPIKeysPageIsForOwnersOnly(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		user string
		want int
	}{{memberEmail, 403}, {orgROEmail, 403}, {samEmail, 403}, {globexEmail, 404}} {
		c := f.login(tc.user)
		if rec := c.get("/orgs/" + ids.org + "/apikeys"); rec.Code != tc.want {
			t.Errorf("%s sees the page: %d, want %d", tc.user, rec.Code, tc.want)
		}
		before := f.count(&models.APIKey{})
		if rec := c.post("/orgs/"+ids.org+"/apikeys", url.Values{"description": {"x"}, "role": {"ORG_OWNER"}}); rec.Code != tc.want || f.count(&models.APIKey{}) != before {
			t.Errorf("%s creates a key: %d", tc.user, rec.Code)
		}
		if rec := c.get("/orgs/" + ids.org + "/settings"); strings.Contains(rec.Body.String(), `data-testid="apikeys-link"`) {
			t.Errorf("%s sees the API Keys link", tc.user)
		}
	}
}
