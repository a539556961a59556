package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

func TestAPIKeysPageShowsPrivateKeyOnce(t *testing.T) {
	f := handlertest.New(t)
	c := f.Login(handlertest.OwnerEmail)
	page := "/orgs/" + handlertest.IDs.Org + "/apikeys"
	rec := c.Get(page)
	c.MustStatus(rec, http.StatusOK)
	doc := handlertest.Parse(t, rec)
	if doc.Find(`[data-testid="apikeys-link"][aria-current="page"]`).Length() != 1 {
		t.Fatal("the sidebar has no current API Keys link")
	}

	rec = c.Post(page, url.Values{"description": {"deploy script"}, "role": {"GROUP_SUPPORT_ACCESS_MANAGER"}, "project": {handlertest.IDs.Prod}})
	c.MustStatus(rec, http.StatusOK)
	doc = handlertest.Parse(t, rec)
	pub := handlertest.Text(doc.Find(`[data-testid="new-id"]`))
	private := handlertest.Text(doc.Find(`[data-testid="new-secret-value"]`))
	if len(pub) != 8 || len(private) != 36 {
		t.Fatalf("new key not shown: %q %q", pub, private)
	}
	k, err := f.Store.APIKeyByPublicKey(context.Background(), pub)
	if err != nil || k.HA1MD5 != models.DigestHA1("MD5", pub, private) || k.Role != models.ProjectSupportAccessManager || k.ProjectID != handlertest.IDs.Prod {
		t.Fatalf("stored key: %+v %v", k, err)
	}
	// Shown once: the page lists the key but never its private key again.
	rec = c.Get(page)
	body := rec.Body.String()
	if !strings.Contains(body, pub) || strings.Contains(body, private) || strings.Contains(body, `data-testid="new-secret"`) {
		t.Fatal("the list misses the key or shows its private key again")
	}

	rec = c.Post("/orgs/"+handlertest.IDs.Org+"/serviceaccounts", url.Values{"description": {"terraform"}, "role": {"ORG_OWNER"}})
	c.MustStatus(rec, http.StatusOK)
	doc = handlertest.Parse(t, rec)
	if id := handlertest.Text(doc.Find(`[data-testid="new-id"]`)); !strings.HasPrefix(id, "mdb_sa_id_") {
		t.Fatalf("service account not shown: %q", id)
	}

	// A project role without a project re-renders the form with the reason.
	n := f.Count(&models.APIKey{})
	rec = c.Post(page, url.Values{"description": {"x"}, "role": {"GROUP_OWNER"}})
	c.MustStatus(rec, http.StatusUnprocessableEntity)
	if msg := handlertest.Text(handlertest.Parse(t, rec).Find(`[data-testid="key-error"]`)); !strings.Contains(msg, "needs a project") || f.Count(&models.APIKey{}) != n {
		t.Fatalf("error %q, keys %d -> %d", msg, n, f.Count(&models.APIKey{}))
	}

	rec = c.Post("/orgs/"+handlertest.IDs.Org+"/apikeys/"+k.ID+"/delete", url.Values{})
	c.MustStatus(rec, http.StatusSeeOther)
	if f.Count(&models.APIKey{}) != n-1 {
		t.Fatal("key not deleted")
	}
}

func TestAPIKeysPageIsForOwnersOnly(t *testing.T) {
	f := handlertest.New(t)
	for _, tc := range []struct {
		user string
		want int
	}{{handlertest.MemberEmail, 403}, {handlertest.OrgROEmail, 403}, {handlertest.SAMEmail, 403}, {handlertest.GlobexEmail, 404}} {
		c := f.Login(tc.user)
		if rec := c.Get("/orgs/" + handlertest.IDs.Org + "/apikeys"); rec.Code != tc.want {
			t.Errorf("%s sees the page: %d, want %d", tc.user, rec.Code, tc.want)
		}
		before := f.Count(&models.APIKey{})
		if rec := c.Post("/orgs/"+handlertest.IDs.Org+"/apikeys", url.Values{"description": {"x"}, "role": {"ORG_OWNER"}}); rec.Code != tc.want || f.Count(&models.APIKey{}) != before {
			t.Errorf("%s creates a key: %d", tc.user, rec.Code)
		}
		if rec := c.Get("/orgs/" + handlertest.IDs.Org + "/settings"); strings.Contains(rec.Body.String(), `data-testid="apikeys-link"`) {
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
			f := handlertest.New(t)
			c := f.Login(handlertest.OwnerEmail)
			page := "/orgs/" + handlertest.IDs.Org + "/apikeys"
			rec := c.Get(page)
			c.MustStatus(rec, http.StatusOK)
			doc := handlertest.Parse(t, rec)
			key := formKey(doc, tc.kind)
			if len(key) != 32 || formKey(doc, "key") == formKey(doc, "account") {
				t.Fatalf("forms carry request keys %q and %q, want two fresh ones", formKey(doc, "key"), formKey(doc, "account"))
			}
			before := f.Count(tc.model)
			form := url.Values{"description": {"deploy"}, "role": {"ORG_OWNER"}, "requestKey": {key}}

			rec = c.Post("/orgs/"+handlertest.IDs.Org+tc.path, form)
			c.MustStatus(rec, http.StatusOK)
			if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
				t.Errorf("the page with the secret has Cache-Control %q, want no-store", cc)
			}
			doc = handlertest.Parse(t, rec)
			id, secret := handlertest.Text(doc.Find(`[data-testid="new-id"]`)), handlertest.Text(doc.Find(`[data-testid="new-secret-value"]`))
			if !strings.HasPrefix(id, tc.idPrefix) || id == "" || secret == "" {
				t.Fatalf("new credential not shown: %q %q", id, secret)
			}
			if next := formKey(doc, tc.kind); next == "" || next == key {
				t.Fatalf("the answer's form carries request key %q after %q, want a fresh one", next, key)
			}

			// Sent again, as a reload does. (Many submissions of one form at
			// once are the models tests' concern.)
			rec = c.Post("/orgs/"+handlertest.IDs.Org+tc.path, form)
			c.MustStatus(rec, http.StatusConflict)
			doc = handlertest.Parse(t, rec)
			msg := handlertest.Text(doc.Find(`[data-testid="` + tc.kind + `-error"]`))
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
			if n := f.Count(tc.model); n != before+1 {
				t.Fatalf("sent again: %d credentials, want %d", n, before+1)
			}

			// The key means nothing in another organization: its owner
			// creates a credential of their own and learns nothing of this one.
			g := f.Login(handlertest.GlobexEmail)
			rec = g.Post("/orgs/"+handlertest.IDs.Globex+tc.path, form)
			c.MustStatus(rec, http.StatusOK)
			if strings.Contains(rec.Body.String(), id) || handlertest.Text(handlertest.Parse(t, rec).Find(`[data-testid="new-id"]`)) == "" {
				t.Fatal("another organization's owner learned of the credential or made none")
			}
		})
	}
}

// TestCredentialFormRefusalKeepsFieldsWithAFreshKey: a refused form comes
// back filled in, with a request key of its own; an overlong key is refused.
func TestCredentialFormRefusalKeepsFieldsWithAFreshKey(t *testing.T) {
	f := handlertest.New(t)
	c := f.Login(handlertest.OwnerEmail)
	before := f.Count(&models.APIKey{})
	for _, form := range []url.Values{
		{"description": {"x"}, "role": {"GROUP_OWNER"}, "requestKey": {"k1"}},
		{"description": {"x"}, "role": {"ORG_OWNER"}, "requestKey": {strings.Repeat("k", models.MaxRequestKey+1)}},
	} {
		rec := c.Post("/orgs/"+handlertest.IDs.Org+"/apikeys", form)
		c.MustStatus(rec, http.StatusUnprocessableEntity)
		doc := handlertest.Parse(t, rec)
		if handlertest.Text(doc.Find(`[data-testid="key-error"]`)) == "" || doc.Find(`[data-testid="key-form"] input[name="description"]`).AttrOr("value", "") != "x" {
			t.Errorf("%v: no reason or fields lost", form)
		}
		if k := formKey(doc, "key"); len(k) != 32 || k == form.Get("requestKey") {
			t.Errorf("%v: the form comes back with request key %q", form, k)
		}
	}
	if f.Count(&models.APIKey{}) != before {
		t.Fatal("a refused form created a key")
	}
	// The key of a refused form created nothing, so it may still create.
	rec := c.Post("/orgs/"+handlertest.IDs.Org+"/apikeys", url.Values{"description": {"x"}, "role": {"ORG_OWNER"}, "requestKey": {"k1"}})
	c.MustStatus(rec, http.StatusOK)
}
