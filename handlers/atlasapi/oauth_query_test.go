package atlasapi_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

func TestOAuthCredentialsInTheURLAreRefused(t *testing.T) {
	f := handlertest.NewAPI(t)
	sa, secret, err := f.Store.CreateServiceAccount(context.Background(), models.Actor{Principal: models.Operator(f.Org.ID)},
		models.CredentialRequest{OrgID: f.Org.ID, Description: "automation", Role: models.OrgOwner})
	if err != nil {
		t.Fatal(err)
	}
	post := func(path string, query, body url.Values, basic bool) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, f.Srv.URL+path+"?"+query.Encode(), strings.NewReader(body.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if basic {
			req.SetBasicAuth(sa.ClientID, secret)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	creds := url.Values{"client_id": {sa.ClientID}, "client_secret": {secret}}
	grant := url.Values{"grant_type": {"client_credentials"}}
	withGrant := url.Values{"grant_type": {"client_credentials"}, "client_id": {sa.ClientID}, "client_secret": {secret}}
	if res := post("/api/oauth/token", creds, grant, false); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("token with credentials in the URL: %d, want 400", res.StatusCode)
	}
	if res := post("/api/oauth/token", url.Values{"client_secret": {secret}}, grant, true); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("token with Basic auth and the secret in the URL: %d, want 400", res.StatusCode)
	}
	if res := post("/api/oauth/revoke", url.Values{"token": {"x"}}, url.Values{}, true); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("revoke with the token in the URL: %d, want 400", res.StatusCode)
	}
	// In the body, or in Basic auth, they work.
	if res := post("/api/oauth/token", url.Values{}, withGrant, false); res.StatusCode != http.StatusOK {
		t.Fatalf("token with credentials in the body: %d, want 200", res.StatusCode)
	}
	if res := post("/api/oauth/token", url.Values{}, grant, true); res.StatusCode != http.StatusOK {
		t.Fatalf("token with Basic auth: %d, want 200", res.StatusCode)
	}
}
