package handlers

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

	"supportaccess/models"
	"supportaccess/models/store"
	"supportaccess/models/store/storetest"
)

func TestParseDigestAuthorization(t *testing.T) {
	ok := `Digest username="atovajvy", realm="Support Access Admin API", nonce="abc", uri="/api/atlas/v2/orgs?x=1", response="0a1b", algorithm=MD5, qop=auth, nc=00000001, cnonce="c1"`
	d, err := parseDigestAuthorization(ok)
	if err != nil {
		t.Fatal(err)
	}
	if d.Username != "atovajvy" || d.URI != "/api/atlas/v2/orgs?x=1" || d.NC != "00000001" || d.Qop != "auth" || d.Algorithm != "MD5" || d.Cnonce != "c1" {
		t.Fatalf("parsed %+v", d)
	}
	esc, err := parseDigestAuthorization(`digest username="a\"b,c", realm="r", nonce="n", uri="/", response="x", extra=ignored`)
	if err != nil || esc.Username != `a"b,c` {
		t.Fatalf("escaped quote and comma in a quoted string: %+v %v", esc, err)
	}
	for _, bad := range []string{
		"", "Basic dXNlcjpwYXNz", "Digest", `Digest username="a"`,
		`Digest username="a", realm="r", nonce="n", uri="/", response="x", username="b"`, // repeated
		`Digest username="a, realm="r", nonce="n", uri="/", response="x"`,                // unterminated
		`Digest username="a" realm="r", nonce="n", uri="/", response="x"`,                // no comma
		`Digest =x, realm="r", nonce="n", uri="/", response="x", username="a"`,
		`Digest username="a", realm="r", nonce="n", uri="/", response="x\`,
		"Digest username=\"a\x01\", realm=\"r\", nonce=\"n\", uri=\"/\", response=\"x\"",
		"Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"/\", response=\"x\", pad=\"" + strings.Repeat("x", maxDigestHeader) + "\"",
	} {
		if _, err := parseDigestAuthorization(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

// FuzzParseDigestAuthorization: no header makes the parser panic, and what
// it accepts always carries the required parameters.
func FuzzParseDigestAuthorization(f *testing.F) {
	for _, s := range []string{
		`Digest username="k", realm="Support Access Admin API", nonce="n", uri="/api/atlas/v2/orgs", response="r", algorithm=SHA-256, qop=auth, nc=00000001, cnonce="c"`,
		`Digest username="a\"b", realm="r", nonce="n", uri="/", response="x"`,
		`Digest a=b,,c=d`, `Digest username="`, `Digest ,`, `Digest username=a, realm=b, nonce=c, uri=d, response=e`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		d, err := parseDigestAuthorization(h)
		if err == nil && (d.Username == "" || d.Realm == "" || d.Nonce == "" || d.URI == "" || d.Response == "") {
			t.Fatalf("accepted a header without required parameters: %q -> %+v", h, d)
		}
	})
}

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
	f := newAPIFixture(t)
	status, b, resp := f.call(http.DefaultClient, http.MethodGet, "/api/atlas/v2/orgs", "")
	apiErr(t, http.StatusUnauthorized, b)
	ch := resp.Header.Values("WWW-Authenticate")
	if status != http.StatusUnauthorized || len(ch) != 2 || !strings.Contains(ch[0], "algorithm=MD5") ||
		!strings.Contains(ch[1], "algorithm=SHA-256") || !strings.Contains(ch[0], `qop="auth"`) {
		t.Fatalf("challenge: %d %q", status, ch)
	}
}

func TestDigestSHA256(t *testing.T) {
	f := newAPIFixture(t)
	pub, priv := f.key(f.org.ID, models.OrgReadOnly)
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
	status, b, _ := f.call(c, http.MethodGet, "/api/atlas/v2/orgs", "")
	if status != http.StatusOK || !strings.Contains(rec.last.Header.Get("Authorization"), "algorithm=\"SHA-256\"") {
		t.Fatalf("SHA-256: %d %s (sent %q)", status, b, rec.last.Header.Get("Authorization"))
	}
}

func TestDigestRefusesReplayWrongKeyAndStaleNonce(t *testing.T) {
	f := newAPIFixture(t)
	pub, priv := f.key(f.org.ID, models.OrgOwner)
	rec := &recorder{next: http.DefaultTransport}
	c := &http.Client{Transport: digest.NewTransportWithHTTPRoundTripper(pub, priv, rec)}
	if status, b, _ := f.call(c, http.MethodGet, "/api/atlas/v2/orgs", ""); status != http.StatusOK {
		t.Fatalf("first use: %d %s", status, b)
	}
	// The same Authorization header again: the nonce count was used.
	replay, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/api/atlas/v2/orgs", nil)
	replay.Header.Set("Authorization", rec.last.Header.Get("Authorization"))
	resp, err := http.DefaultClient.Do(replay)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("replayed nonce count: %d, want 401", resp.StatusCode)
	}

	if status, _, _ := f.call(digestClient(pub, "wrong-"+priv), http.MethodGet, "/api/atlas/v2/orgs", ""); status != http.StatusUnauthorized {
		t.Fatalf("wrong private key: %d", status)
	}
	if status, _, _ := f.call(digestClient("nobody", priv), http.MethodGet, "/api/atlas/v2/orgs", ""); status != http.StatusUnauthorized {
		t.Fatalf("unknown public key: %d", status)
	}

	// A nonce older than its lifetime: the answer says stale=true.
	var stale string
	rec2 := &recorder{next: http.DefaultTransport}
	rec2.onChallenge = func(resp *http.Response) {
		if stale == "" {
			f.advance(nonceLifetime + time.Second)
		}
		stale = resp.Header.Get("WWW-Authenticate")
	}
	c2 := &http.Client{Transport: digest.NewTransportWithHTTPRoundTripper(pub, priv, rec2)}
	status, b, _ := f.call(c2, http.MethodGet, "/api/atlas/v2/orgs", "")
	apiErr(t, http.StatusUnauthorized, b)
	if status != http.StatusUnauthorized || !strings.Contains(stale, "stale=true") {
		t.Fatalf("stale nonce: %d, last challenge %q", status, stale)
	}
	// A deleted key stops working at once.
	var k models.APIKey
	storetest.DB(f.store).Where("public_key = ?", pub).First(&k)
	if err := f.store.DeleteAPIKey(t.Context(), models.Actor{Principal: models.Operator(f.org.ID)}, f.org.ID, k.ID); err != nil {
		t.Fatal(err)
	}
	if status, _, _ := f.call(c, http.MethodGet, "/api/atlas/v2/orgs", ""); status != http.StatusUnauthorized {
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
	f := newAPIFixture(t)
	pub, priv := f.key(f.org.ID, models.OrgOwner)
	// A second replica: its own store on the same database file.
	s2, err := store.Open(f.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s2.Close() })
	other := httptest.NewServer(New(s2, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{SessionKeys: [][]byte{bytes.Repeat([]byte{7}, 32)}}).Echo())
	t.Cleanup(other.Close)
	to, _ := url.Parse(other.URL)
	rec := &recorder{next: switcher{to: to}}
	c := &http.Client{Transport: digest.NewTransportWithHTTPRoundTripper(pub, priv, rec)}
	if status, b, _ := f.call(c, http.MethodGet, "/api/atlas/v2/orgs", ""); status != http.StatusOK {
		t.Fatalf("nonce from another replica: %d %s", status, b)
	}
	// Replaying that answer on the first replica is refused: the used
	// nonce counts are shared through the database.
	replay, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/api/atlas/v2/orgs", nil)
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
