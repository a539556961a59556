package atlasapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"supportaccess/handlers/atlasapi"
	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
	"supportaccess/models/store/storetest"
)

// grantShowRevoke runs the "done when" flow with one client:
// grant, the cluster shows it, revoke (twice: safe to repeat), gone.
func grantShowRevoke(t *testing.T, f *handlertest.APIFixture, c *http.Client) {
	t.Helper()
	accept := []string{"Accept", "application/vnd.atlas.2024-08-05+json"}
	status, b, _ := f.Call(c, http.MethodPost, f.ClusterPath("orders-prod:grantMongoDBEmployeeAccess"),
		f.GrantBody(models.GrantInfrastructureSync, 2*time.Hour), accept...)
	if status != http.StatusNoContent || len(b) != 0 {
		t.Fatalf("grant: %d %s", status, b)
	}
	status, b, resp := f.Call(c, http.MethodGet, f.ClusterPath("orders-prod"), "", accept...)
	if status != http.StatusOK {
		t.Fatalf("get cluster: %d %s", status, b)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/vnd.atlas.2024-08-05+json") {
		t.Errorf("Content-Type %q does not name the version served", ct)
	}
	var cl atlasapi.APICluster
	if err := json.Unmarshal(b, &cl); err != nil {
		t.Fatal(err)
	}
	if cl.Grant == nil || cl.Grant.GrantType != string(models.GrantInfrastructureSync) || cl.Name != "orders-prod" || cl.GroupID != f.Prod.ID {
		t.Fatalf("cluster does not show the grant: %s", b)
	}
	if exp, err := time.Parse(time.RFC3339, cl.Grant.ExpirationTime); err != nil || exp.Sub(f.Store.Now()) < 119*time.Minute {
		t.Errorf("expirationTime %q is not the one asked for", cl.Grant.ExpirationTime)
	}
	for i := 0; i < 2; i++ {
		status, b, _ = f.Call(c, http.MethodPost, f.ClusterPath("orders-prod:revokeMongoDBEmployeeAccess"), "", accept...)
		if status != http.StatusNoContent {
			t.Fatalf("revoke %d: %d %s", i+1, status, b)
		}
	}
	_, b, _ = f.Call(c, http.MethodGet, f.ClusterPath("orders-prod"), "", accept...)
	if strings.Contains(string(b), "mongoDBEmployeeAccessGrant") {
		t.Fatalf("grant still shown after revoke: %s", b)
	}
}

// actorEvents returns the kinds of events the named actor wrote.
func actorEvents(t *testing.T, f *handlertest.APIFixture, kind models.ActorKind, name string) []models.EventType {
	t.Helper()
	owner := models.Operator(f.Org.ID)
	evs, _, err := f.Store.Events(context.Background(), owner, models.EventFilter{OrgID: f.Org.ID})
	if err != nil {
		t.Fatal(err)
	}
	var out []models.EventType
	for _, e := range evs {
		if e.ActorKind == kind && e.ActorName == name {
			if e.RemoteAddr == "" {
				t.Errorf("event %s has no remote address", e.Type)
			}
			out = append(out, e.Type)
		}
	}
	return out
}

func TestGrantShowRevokeWithDigestAPIKey(t *testing.T) {
	f := handlertest.NewAPI(t)
	pub, priv := f.Key(f.Org.ID, models.ProjectSupportAccessManager)
	grantShowRevoke(t, f, handlertest.DigestClient(pub, priv))
	got := actorEvents(t, f, models.ActorAPIKey, pub)
	if len(got) != 2 || got[0] != models.EventRevoked || got[1] != models.EventGranted {
		t.Fatalf("events naming the API key: %v, want revoked then granted (newest first)", got)
	}
	// The event feed names the key too.
	status, b, _ := f.Call(handlertest.DigestClient(pub, priv), http.MethodGet, "/api/atlas/v2/groups/"+f.Prod.ID+"/events?eventType=EMPLOYEE_ACCESS_GRANTED", "")
	if status != http.StatusOK || !strings.Contains(string(b), `"publicKey":"`+pub+`"`) || strings.Contains(string(b), "EMPLOYEE_ACCESS_REVOKED") {
		t.Fatalf("events: %d %s", status, b)
	}
}

func TestGrantShowRevokeWithBearerToken(t *testing.T) {
	f := handlertest.NewAPI(t)
	ctx := context.Background()
	sa, secret, err := f.Store.CreateServiceAccount(ctx, models.Actor{Principal: models.Operator(f.Org.ID)},
		models.CredentialRequest{OrgID: f.Org.ID, Description: "automation", Role: models.OrgOwner})
	if err != nil {
		t.Fatal(err)
	}
	cc := clientcredentials.Config{ClientID: sa.ClientID, ClientSecret: secret, TokenURL: f.Srv.URL + "/api/oauth/token"}
	tok, err := cc.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tok.TokenType != "Bearer" || tok.AccessToken == "" || time.Until(tok.Expiry) < 59*time.Minute || time.Until(tok.Expiry) > 61*time.Minute {
		t.Fatalf("token: %+v", tok)
	}
	grantShowRevoke(t, f, cc.Client(ctx))
	if got := actorEvents(t, f, models.ActorServiceAccount, sa.ClientID); len(got) != 2 {
		t.Fatalf("events naming the service account: %v", got)
	}

	// The token is stored hashed, and revoking it ends it at once.
	var clear, hashed int64
	if err := storetest.DB(f.Store).Table("access_tokens").Where("token_hash = ?", tok.AccessToken).Count(&clear).Error; err != nil {
		t.Fatal(err)
	}
	if err := storetest.DB(f.Store).Table("access_tokens").Where("token_hash = ?", models.SecretHash(tok.AccessToken)).Count(&hashed).Error; err != nil {
		t.Fatal(err)
	}
	if clear != 0 || hashed != 1 {
		t.Fatalf("%d tokens stored in clear and %d by their hash, want 0 and 1", clear, hashed)
	}
	bearer := oauth2.NewClient(ctx, oauth2.StaticTokenSource(tok))
	if status, b, _ := f.Call(bearer, http.MethodGet, "/api/atlas/v2/orgs", ""); status != http.StatusOK {
		t.Fatalf("orgs with token: %d %s", status, b)
	}
	form := url.Values{"token": {tok.AccessToken}}
	req, _ := http.NewRequest(http.MethodPost, f.Srv.URL+"/api/oauth/revoke", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(sa.ClientID, secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("revoke token: %v %v", err, resp)
	}
	resp.Body.Close()
	status, b, resp := f.Call(bearer, http.MethodGet, "/api/atlas/v2/orgs", "")
	handlertest.APIErr(t, http.StatusUnauthorized, b)
	if status != http.StatusUnauthorized || !strings.Contains(resp.Header.Get("WWW-Authenticate"), "invalid_token") {
		t.Fatalf("revoked token still works: %d %s", status, b)
	}
}

func TestBearerTokenExpiresAfterAnHour(t *testing.T) {
	f := handlertest.NewAPI(t)
	ctx := context.Background()
	sa, secret, err := f.Store.CreateServiceAccount(ctx, models.Actor{Principal: models.Operator(f.Org.ID)},
		models.CredentialRequest{OrgID: f.Org.ID, Description: "ci", Role: models.OrgReadOnly})
	if err != nil {
		t.Fatal(err)
	}
	cc := clientcredentials.Config{ClientID: sa.ClientID, ClientSecret: secret, TokenURL: f.Srv.URL + "/api/oauth/token"}
	tok, err := cc.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c := oauth2.NewClient(ctx, oauth2.StaticTokenSource(tok))
	if status, _, _ := f.Call(c, http.MethodGet, "/api/atlas/v2/orgs", ""); status != http.StatusOK {
		t.Fatalf("fresh token: %d", status)
	}
	f.Advance(time.Hour)
	if status, _, _ := f.Call(c, http.MethodGet, "/api/atlas/v2/orgs", ""); status != http.StatusUnauthorized {
		t.Fatalf("token an hour old: %d, want 401", status)
	}
	bad := clientcredentials.Config{ClientID: sa.ClientID, ClientSecret: "wrong", TokenURL: f.Srv.URL + "/api/oauth/token"}
	if _, err := bad.Token(ctx); err == nil || !strings.Contains(err.Error(), "invalid_client") {
		t.Fatalf("wrong secret: %v, want invalid_client", err)
	}
}
