package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

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

// formKey is the request key a rendered create form carries.
func formKey(doc *goquery.Document, kind string) string {
	return doc.Find(`[data-testid="`+kind+`-form"] input[type="hidden"][name="requestKey"]`).AttrOr("value", "")
}

// TestCredentialFormCreatesOnce: a create form sent again with its request
// key (a reload of the page that answered it, a double click, a retried
// request) creates nothing and answers 409 with the page naming what the
// form made, without any secret. The secret page is never cached.
func TestCredentialFormCreatesOnce(t *testing.T) {
	for _, tc := range []struct {
		kind, path, idPrefix string
		model                any
	}{
		{"key", "/apikeys", "", &models.APIKey{}},
		{"account", "/serviceaccounts", "mdb_sa_id_", &models.ServiceAccount{}},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			f := newFixture(t)
			c := f.login(ownerEmail)
			page := "/orgs/" + ids.org + "/apikeys"
			rec := c.get(page)
			c.mustStatus(rec, http.StatusOK)
			doc := parse(t, rec)
			key := formKey(doc, tc.kind)
			if len(key) != 32 || formKey(doc, "key") == formKey(doc, "account") {
				t.Fatalf("forms carry request keys %q and %q, want two fresh ones", formKey(doc, "key"), formKey(doc, "account"))
			}
			before := f.count(tc.model)
			form := url.Values{"description": {"deploy"}, "role": {"ORG_OWNER"}, "requestKey": {key}}

			rec = c.post("/orgs/"+ids.org+tc.path, form)
			c.mustStatus(rec, http.StatusOK)
			if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
				t.Errorf("the page with the secret has Cache-Control %q, want no-store", cc)
			}
			doc = parse(t, rec)
			id, secret := text(doc.Find(`[data-testid="new-id"]`)), text(doc.Find(`[data-testid="new-secret-value"]`))
			if !strings.HasPrefix(id, tc.idPrefix) || id == "" || secret == "" {
				t.Fatalf("new credential not shown: %q %q", id, secret)
			}
			if next := formKey(doc, tc.kind); next == "" || next == key {
				t.Fatalf("the answer's form carries request key %q after %q, want a fresh one", next, key)
			}

			// Sent again, as a reload does. (Many submissions of one form at
			// once are the models tests' concern.)
			rec = c.post("/orgs/"+ids.org+tc.path, form)
			c.mustStatus(rec, http.StatusConflict)
			doc = parse(t, rec)
			msg := text(doc.Find(`[data-testid="` + tc.kind + `-error"]`))
			if !strings.Contains(msg, id) || !strings.Contains(msg, "shown only once") || !strings.Contains(msg, "create another") {
				t.Errorf("sent again: message %q does not name %s or say what to do", msg, id)
			}
			if body := rec.Body.String(); strings.Contains(body, secret) || doc.Find(`[data-testid="new-secret"]`).Length() != 0 {
				t.Error("sent again: the secret is shown again")
			}
			if desc := doc.Find(`[data-testid="`+tc.kind+`-form"] input[name="description"]`).AttrOr("value", ""); desc != "" {
				t.Errorf("sent again: the used form is filled in again (%q), one click from a second credential", desc)
			}
			if next := formKey(doc, tc.kind); next == "" || next == key {
				t.Errorf("sent again: the form carries request key %q, want a fresh one", next)
			}
			if n := f.count(tc.model); n != before+1 {
				t.Fatalf("sent again: %d credentials, want %d", n, before+1)
			}

			// The key means nothing in another organization: its owner
			// creates a credential of their own and learns nothing of this one.
			g := f.login(globexEmail)
			rec = g.post("/orgs/"+ids.globex+tc.path, form)
			c.mustStatus(rec, http.StatusOK)
			if strings.Contains(rec.Body.String(), id) || text(parse(t, rec).Find(`[data-testid="new-id"]`)) == "" {
				t.Fatal("another organization's owner learned of the credential or made none")
			}
		})
	}
}

// TestCredentialFormRefusalKeepsFieldsWithAFreshKey: a refused form comes
// back filled in, with a request key of its own; an overlong key is refused.
func TestCredentialFormRefusalKeepsFieldsWithAFreshKey(t *testing.T) {
	f := newFixture(t)
	c := f.login(ownerEmail)
	before := f.count(&models.APIKey{})
	for _, form := range []url.Values{
		{"description": {"x"}, "role": {"GROUP_OWNER"}, "requestKey": {"k1"}},
		{"description": {"x"}, "role": {"ORG_OWNER"}, "requestKey": {strings.Repeat("k", models.MaxRequestKey+1)}},
	} {
		rec := c.post("/orgs/"+ids.org+"/apikeys", form)
		c.mustStatus(rec, http.StatusUnprocessableEntity)
		doc := parse(t, rec)
		if text(doc.Find(`[data-testid="key-error"]`)) == "" || doc.Find(`[data-testid="key-form"] input[name="description"]`).AttrOr("value", "") != "x" {
			t.Errorf("%v: no reason or fields lost", form)
		}
		if k := formKey(doc, "key"); len(k) != 32 || k == form.Get("requestKey") {
			t.Errorf("%v: the form comes back with request key %q", form, k)
		}
	}
	if f.count(&models.APIKey{}) != before {
		t.Fatal("a refused form created a key")
	}
	// The key of a refused form created nothing, so it may still create.
	rec := c.post("/orgs/"+ids.org+"/apikeys", url.Values{"description": {"x"}, "role": {"ORG_OWNER"}, "requestKey": {"k1"}})
	c.mustStatus(rec, http.StatusOK)
}
