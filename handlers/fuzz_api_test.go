package handlers_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

// FuzzBearerHeaders sends fuzzed Authorization headers to the support API
// (support tokens), the Admin API (service account tokens) and the OAuth
// token endpoint (HTTP Basic client credentials). Only the real token
// gets in; and in every run the real credentials, sent plainly, do get in
// (the positive control: a server refusing every token fails).
func FuzzBearerHeaders(f *testing.F) {
	for _, s := range []string{
		"", "Bearer", "Bearer ", "bearer x", "Bearer  \t ", "Basic Og==", "Basic !!!", "Basic " + strings.Repeat("A", 3000),
		"Digest username=\"x\"", "Bearer a b c", "BEARER sat_0123", "Bearer \x00", "Bearer\tx", "Bearer " + strings.Repeat("z", 70000),
	} {
		f.Add(s, false)
	}
	f.Add("Bearer ", true)
	f.Add("bearer  ", true)
	fx := handlertest.New(f)
	callers := newAPICallers(f, fx)
	question := `{"groupId":"` + handlertest.IDs.Prod + `","clusterName":"orders-prod","scope":"INFRASTRUCTURE","caseNumber":"1","justification":"fuzz"}`
	f.Fuzz(func(t *testing.T, h string, withToken bool) {
		fx.T = t
		callers.accepted(t, fx, question)
		support, bearer := h, h
		if withToken { // the real token after a fuzzed prefix
			support, bearer = h+callers.support, h+callers.bearer
		}
		rec := fx.RawServe(http.MethodPost, "/api/support/v1/access-decisions", question, map[string]string{"Authorization": support, "Content-Type": "application/json"})
		handlertest.CheckAnswer(t, "support API", rec, h)
		if rec.Code < 300 && !strings.Contains(support, callers.support) {
			t.Fatalf("support API let %q in", support)
		}
		rec = fx.RawServe(http.MethodGet, "/api/atlas/v2/orgs/"+handlertest.IDs.Org+"/settings", "", map[string]string{"Authorization": bearer})
		handlertest.CheckAnswer(t, "Admin API", rec, h)
		if rec.Code < 300 && !strings.Contains(bearer, callers.bearer) {
			t.Fatalf("Admin API let %q in", bearer)
		}
		rec = fx.RawServe(http.MethodPost, "/api/oauth/token", "grant_type=client_credentials", map[string]string{"Authorization": h, "Content-Type": "application/x-www-form-urlencoded"})
		handlertest.CheckAnswer(t, "OAuth token", rec, h)
		if rec.Code < 300 {
			t.Fatalf("OAuth token endpoint issued a token for %q", h)
		}
	})
}

// FuzzAPIJSONBodies sends fuzzed JSON bodies to every API endpoint that
// reads one: settings PATCH, the grant action and the support decision.
func FuzzAPIJSONBodies(f *testing.F) {
	for _, s := range []struct {
		which uint8
		body  string
	}{
		{0, `{"restrictEmployeeAccess":true}`},
		{0, `{"restrictEmployeeAccess":"yes"}`},
		{0, `{"restrictEmployeeAccess":null,"x":1}`},
		{1, `{"grantType":"CLUSTER_INFRASTRUCTURE","expirationTime":"2026-11-28T11:00:00Z"}`},
		{1, `{"grantType":"CLUSTER_DATABASE_LOGS","expirationTime":"2030-01-01T00:00:00Z"}`},
		{2, `{"groupId":"x","clusterName":"orders-prod","scope":"INFRASTRUCTURE","caseNumber":"1","justification":"j"}`},
		{2, `{"scope":["INFRASTRUCTURE"]}`},
		{2, `[]`}, {2, `null`}, {2, ``}, {2, `{"groupId":"` + strings.Repeat("a", 70000) + `"}`},
		{1, `{} {}`}, {0, "\xff\xfe"}, {1, `{"grantType":1e999}`}, {2, `{"caseNumber":"\u0000"}`},
	} {
		f.Add(s.which, []byte(s.body))
	}
	fx := handlertest.New(f)
	callers := newAPICallers(f, fx)
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		fx.T = t
		var method, path, token string
		switch which % 3 {
		case 0:
			method, path, token = http.MethodPatch, "/api/atlas/v2/orgs/"+handlertest.IDs.Org+"/settings", callers.bearer
		case 1:
			method, path, token = http.MethodPost, "/api/atlas/v2/groups/"+handlertest.IDs.Prod+"/clusters/orders-prod:grantMongoDBEmployeeAccess", callers.bearer
		default:
			method, path, token = http.MethodPost, "/api/support/v1/access-decisions", callers.support
		}
		rec := fx.RawServe(method, path, string(body), map[string]string{"Authorization": "Bearer " + token, "Content-Type": "application/json"})
		handlertest.CheckAnswer(t, method+" "+path, rec, string(body))
		if rec.Code >= 400 && !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			t.Fatalf("%s %s: error answered as %q", method, path, rec.Header().Get("Content-Type"))
		}
	})
}

// apiCallers holds the credentials the API fuzzers use: the support
// employee's token, and an Acme owner service account's client
// credentials and a bearer token issued to it.
type apiCallers struct {
	support, bearer  string
	clientID, secret string
}

// accepted checks that each endpoint FuzzBearerHeaders attacks lets the
// real credentials in.
func (a apiCallers) accepted(t *testing.T, fx *handlertest.Fixture, question string) {
	t.Helper()
	rec := fx.RawServe(http.MethodPost, "/api/support/v1/access-decisions", question, map[string]string{"Authorization": "Bearer " + a.support, "Content-Type": "application/json"})
	if rec.Code != http.StatusOK {
		t.Fatalf("support API refused the real support token: %d %.300s", rec.Code, rec.Body.String())
	}
	rec = fx.RawServe(http.MethodGet, "/api/atlas/v2/orgs/"+handlertest.IDs.Org+"/settings", "", map[string]string{"Authorization": "Bearer " + a.bearer})
	if rec.Code != http.StatusOK {
		t.Fatalf("Admin API refused the real bearer token: %d %.300s", rec.Code, rec.Body.String())
	}
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(a.clientID+":"+a.secret))
	rec = fx.RawServe(http.MethodPost, "/api/oauth/token", "grant_type=client_credentials", map[string]string{"Authorization": basic, "Content-Type": "application/x-www-form-urlencoded"})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "access_token") {
		t.Fatalf("OAuth token endpoint refused the real client credentials: %d %.300s", rec.Code, rec.Body.String())
	}
}

func newAPICallers(f *testing.F, fx *handlertest.Fixture) apiCallers {
	f.Helper()
	ctx := context.Background()
	_, support, err := fx.Store.CreateSupportStaff(ctx, "tse@provider.test", 0)
	if err != nil {
		f.Fatal(err)
	}
	sa, secret, err := fx.Store.CreateServiceAccount(ctx, models.Actor{Principal: models.Operator(handlertest.IDs.Org)},
		models.CredentialRequest{OrgID: handlertest.IDs.Org, Description: "fuzz", Role: models.OrgOwner})
	if err != nil {
		f.Fatal(err)
	}
	bearer, _, err := fx.Store.IssueAccessToken(ctx, sa.ClientID, secret)
	if err != nil {
		f.Fatal(err)
	}
	return apiCallers{support: support, bearer: bearer, clientID: sa.ClientID, secret: secret}
}
