package atlasapi_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mongodb-forks/digest"

	"supportaccess/handlers"
	"supportaccess/handlers/atlasapi"
	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
	"supportaccess/models/store"
	"supportaccess/models/store/storetest"
)

// recorder sits under the digest transport and keeps the last request it
// sent, and optionally rewrites challenges or moves the clock between the
// challenge and the answer.
type recorder struct {
	next        http.RoundTripper
	last        *http.Request
	onChallenge func(*http.Response)
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.last = req
	resp, err := r.next.RoundTrip(req)
	if err == nil && resp.StatusCode == http.StatusUnauthorized && r.onChallenge != nil {
		r.onChallenge(resp)
	}
	return resp, err
}

func TestDigestChallengeOffersMD5ThenSHA256(t *testing.T) {
	f := handlertest.NewAPI(t)
	status, b, resp := f.Call(http.DefaultClient, http.MethodGet, "/api/atlas/v2/orgs", "")
	handlertest.APIErr(t, http.StatusUnauthorized, b)
	ch := resp.Header.Values("WWW-Authenticate")
	if status != http.StatusUnauthorized || len(ch) != 2 || !strings.Contains(ch[0], "algorithm=MD5") ||
		!strings.Contains(ch[1], "algorithm=SHA-256") || !strings.Contains(ch[0], `qop="auth"`) {
		t.Fatalf("challenge: %d %q", status, ch)
	}
}

func TestDigestSHA256(t *testing.T) {
	f := handlertest.NewAPI(t)
	pub, priv := f.Key(f.Org.ID, models.OrgReadOnly)
	// A client that prefers SHA-256: hide the MD5 challenge from the library.
	rec := &recorder{next: http.DefaultTransport}
	rec.onChallenge = func(resp *http.Response) {
		vals := resp.Header.Values("WWW-Authenticate")
		resp.Header.Del("WWW-Authenticate")
		for _, v := range vals {
			if strings.Contains(v, "SHA-256") {
				resp.Header.Add("WWW-Authenticate", v)
			}
		}
	}
	c := &http.Client{Transport: digest.NewTransportWithHTTPRoundTripper(pub, priv, rec)}
	status, b, _ := f.Call(c, http.MethodGet, "/api/atlas/v2/orgs", "")
	if status != http.StatusOK || !strings.Contains(rec.last.Header.Get("Authorization"), "algorithm=\"SHA-256\"") {
		t.Fatalf("SHA-256: %d %s (sent %q)", status, b, rec.last.Header.Get("Authorization"))
	}
}

func TestDigestRefusesReplayWrongKeyAndStaleNonce(t *testing.T) {
	f := handlertest.NewAPI(t)
	pub, priv := f.Key(f.Org.ID, models.OrgOwner)
	rec := &recorder{next: http.DefaultTransport}
	c := &http.Client{Transport: digest.NewTransportWithHTTPRoundTripper(pub, priv, rec)}
	if status, b, _ := f.Call(c, http.MethodGet, "/api/atlas/v2/orgs", ""); status != http.StatusOK {
		t.Fatalf("first use: %d %s", status, b)
	}
	// The same Authorization header again: the nonce count was used.
	replay, _ := http.NewRequest(http.MethodGet, f.Srv.URL+"/api/atlas/v2/orgs", nil)
	replay.Header.Set("Authorization", rec.last.Header.Get("Authorization"))
	resp, err := http.DefaultClient.Do(replay)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("replayed nonce count: %d, want 401", resp.StatusCode)
	}

	if status, _, _ := f.Call(handlertest.DigestClient(pub, "wrong-"+priv), http.MethodGet, "/api/atlas/v2/orgs", ""); status != http.StatusUnauthorized {
		t.Fatalf("wrong private key: %d", status)
	}
	if status, _, _ := f.Call(handlertest.DigestClient("nobody", priv), http.MethodGet, "/api/atlas/v2/orgs", ""); status != http.StatusUnauthorized {
		t.Fatalf("unknown public key: %d", status)
	}

	// A nonce older than its lifetime: the answer says stale=true.
	var stale string
	rec2 := &recorder{next: http.DefaultTransport}
	rec2.onChallenge = func(resp *http.Response) {
		if stale == "" {
			f.Advance(atlasapi.NonceLifetime + time.Second)
		}
		stale = resp.Header.Get("WWW-Authenticate")
	}
	c2 := &http.Client{Transport: digest.NewTransportWithHTTPRoundTripper(pub, priv, rec2)}
	status, b, _ := f.Call(c2, http.MethodGet, "/api/atlas/v2/orgs", "")
	handlertest.APIErr(t, http.StatusUnauthorized, b)
	if status != http.StatusUnauthorized || !strings.Contains(stale, "stale=true") {
		t.Fatalf("stale nonce: %d, last challenge %q", status, stale)
	}
	// A deleted key stops working at once.
	var k models.APIKey
	if err := storetest.DB(f.Store).Where("public_key = ?", pub).First(&k).Error; err != nil {
		t.Fatal(err)
	}
	if err := f.Store.DeleteAPIKey(t.Context(), models.Actor{Principal: models.Operator(f.Org.ID)}, f.Org.ID, k.ID); err != nil {
		t.Fatal(err)
	}
	if status, _, _ := f.Call(c, http.MethodGet, "/api/atlas/v2/orgs", ""); status != http.StatusUnauthorized {
		t.Fatalf("deleted key: %d", status)
	}
}

// switcher sends every answered challenge (a request with credentials)
// to another replica.
type switcher struct{ to *url.URL }

func (s switcher) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Authorization") != "" {
		req = req.Clone(req.Context())
		req.URL.Host = s.to.Host
		req.Host = s.to.Host
	}
	return http.DefaultTransport.RoundTrip(req)
}

func TestNonceAcceptedByAnotherReplicaReplayRefusedThere(t *testing.T) {
	f := handlertest.NewAPI(t)
	pub, priv := f.Key(f.Org.ID, models.OrgOwner)
	// A second replica: its own store on the same database file.
	s2, err := store.Open(f.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s2.Close() })
	other := httptest.NewServer(handlers.New(s2, slog.New(slog.NewTextHandler(io.Discard, nil)), handlers.Config{SessionKeys: [][]byte{bytes.Repeat([]byte{7}, 32)}}).Echo())
	t.Cleanup(other.Close)
	to, _ := url.Parse(other.URL)
	rec := &recorder{next: switcher{to: to}}
	c := &http.Client{Transport: digest.NewTransportWithHTTPRoundTripper(pub, priv, rec)}
	if status, b, _ := f.Call(c, http.MethodGet, "/api/atlas/v2/orgs", ""); status != http.StatusOK {
		t.Fatalf("nonce from another replica: %d %s", status, b)
	}
	// Replaying that answer on the first replica is refused: the used
	// nonce counts are shared through the database.
	replay, _ := http.NewRequest(http.MethodGet, f.Srv.URL+"/api/atlas/v2/orgs", nil)
	replay.Header.Set("Authorization", rec.last.Header.Get("Authorization"))
	resp, err := http.DefaultClient.Do(replay)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("replay on the other replica: %d, want 401", resp.StatusCode)
	}
}
