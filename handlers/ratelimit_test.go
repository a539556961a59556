package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"supportaccess/handlers"
	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

// TestSupportDecisionsAreLimitedPerToken: one support token may record
// only so many decisions a second; past its burst the answer is 429 with
// Retry-After, nothing is recorded, and another token is not slowed.
func TestSupportDecisionsAreLimitedPerToken(t *testing.T) {
	f := handlertest.NewSupport(t)
	srv := handlers.New(f.Store, slog.New(slog.NewTextHandler(io.Discard, nil)),
		handlers.Config{SessionKeys: handlertest.SessionKeys, RateLimits: handlers.RateLimits{SupportDecisionsPerSecond: 5}})
	f.Srv = httptest.NewServer(srv.Echo())
	t.Cleanup(f.Srv.Close)
	_, other, err := f.Store.CreateSupportStaff(context.Background(), "tse2@provider.test", 0)
	if err != nil {
		t.Fatal(err)
	}
	q := f.Question("orders-prod", models.ScopeInfrastructure)
	for i := range 10 { // the burst: twice the rate
		if status, body := f.Ask(f.Token, q); status != http.StatusOK {
			t.Fatalf("decision %d within the burst: %d %v", i+1, status, body)
		}
	}
	recorded := len(f.Decisions())
	status, body := f.Ask(f.Token, q)
	if status != http.StatusTooManyRequests || body["errorCode"] != "RATE_LIMITED" {
		t.Fatalf("past the burst: %d %v, want 429 RATE_LIMITED", status, body)
	}
	handlertest.CheckErrorShape(t, status, body)
	if n := len(f.Decisions()); n != recorded {
		t.Fatalf("a refused decision was recorded: %d decisions, want %d", n, recorded)
	}
	if status, body := f.Ask(other, q); status != http.StatusOK {
		t.Fatalf("another token is slowed by the first: %d %v", status, body)
	}
}

// TestOAuthTokenRequestsAreLimitedPerClient: a client asking for token
// after token is told to slow down in OAuth's error shape; another client
// is not.
func TestOAuthTokenRequestsAreLimitedPerClient(t *testing.T) {
	f := handlertest.NewAPI(t)
	srv := handlers.New(f.Store, slog.New(slog.NewTextHandler(io.Discard, nil)),
		handlers.Config{SessionKeys: handlertest.SessionKeys, RateLimits: handlers.RateLimits{OAuthTokensPerMinute: 6}})
	ts := httptest.NewServer(srv.Echo())
	t.Cleanup(ts.Close)
	ask := func(client string) (int, string, string) {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/oauth/token", strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(client, "not the secret")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b), res.Header.Get("Retry-After")
	}
	if status, body, _ := ask("mdb_sa_id_a"); status != http.StatusUnauthorized {
		t.Fatalf("first request: %d %s, want 401 (wrong secret)", status, body)
	}
	status, body, retry := ask("mdb_sa_id_a")
	if status != http.StatusTooManyRequests || !strings.Contains(body, `"error":"slow_down"`) || retry == "" {
		t.Fatalf("second request within the second: %d %s (Retry-After %q), want 429 slow_down", status, body, retry)
	}
	if status, body, _ := ask("mdb_sa_id_b"); status != http.StatusUnauthorized {
		t.Fatalf("another client: %d %s, want 401, not slowed", status, body)
	}
}
