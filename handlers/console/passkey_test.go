package console_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/fxamacker/cbor/v2"

	"supportaccess/handlers/internal/handlertest"
)

// The requests of handlertest carry Host example.com over plain HTTP: the
// relying party the console derives from them.
const (
	testRPID   = "example.com"
	testOrigin = "http://example.com"
)

var b64u = base64.RawURLEncoding

// softKey is an authenticator in the test: one ES256 passkey and its
// signature counter.
type softKey struct {
	id      []byte
	priv    *ecdsa.PrivateKey
	counter uint32
}

func newSoftKey(t *testing.T) *softKey {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	return &softKey{id: id, priv: priv}
}

// authData is the authenticator data: the RP ID's hash, flags (user
// present and verified, plus attested data when attested is given) and
// the counter.
func (k *softKey) authData(attested []byte) []byte {
	h := sha256.Sum256([]byte(testRPID))
	flags := byte(0x05)
	if attested != nil {
		flags |= 0x40
	}
	out := append(h[:], flags, 0, 0, 0, 0)
	binary.BigEndian.PutUint32(out[33:], k.counter)
	return append(out, attested...)
}

// clientData is what the browser would sign for the challenge.
func clientData(typ, challenge string) []byte {
	b, _ := json.Marshal(map[string]string{"type": typ, "challenge": challenge, "origin": testOrigin})
	return b
}

// attestation answers a registration's options.
func (k *softKey) attestation(t *testing.T, challenge string) string {
	t.Helper()
	pub := k.priv.PublicKey
	x, y := make([]byte, 32), make([]byte, 32)
	pub.X.FillBytes(x)
	pub.Y.FillBytes(y)
	cose, err := cbor.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: x, -3: y})
	if err != nil {
		t.Fatal(err)
	}
	attested := make([]byte, 16, 16+2+len(k.id)+len(cose))
	attested = binary.BigEndian.AppendUint16(attested, uint16(len(k.id)))
	attested = append(append(attested, k.id...), cose...)
	obj, err := cbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": k.authData(attested)})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"id": b64u.EncodeToString(k.id), "rawId": b64u.EncodeToString(k.id), "type": "public-key",
		"response": map[string]string{"clientDataJSON": b64u.EncodeToString(clientData("webauthn.create", challenge)), "attestationObject": b64u.EncodeToString(obj)}})
	return string(body)
}

// assertion answers a login's options, signed with this key; userID is
// the user handle it claims.
func (k *softKey) assertion(t *testing.T, challenge, userID string) string {
	t.Helper()
	ad := k.authData(nil)
	cd := clientData("webauthn.get", challenge)
	sum := sha256.Sum256(append(append([]byte(nil), ad...), func() []byte { h := sha256.Sum256(cd); return h[:] }()...))
	sig, err := ecdsa.SignASN1(rand.Reader, k.priv, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"id": b64u.EncodeToString(k.id), "rawId": b64u.EncodeToString(k.id), "type": "public-key",
		"response": map[string]string{"clientDataJSON": b64u.EncodeToString(cd), "authenticatorData": b64u.EncodeToString(ad),
			"signature": b64u.EncodeToString(sig), "userHandle": b64u.EncodeToString([]byte(userID))}})
	return string(body)
}

// send posts a body as the browser's script does: the CSRF token in its
// header, the jar's cookies.
func send(b *handlertest.Client, path, ctype, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("X-CSRF-Token", b.CSRF())
	for _, ck := range b.Cookies {
		req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
	}
	rec := httptest.NewRecorder()
	b.F.Echo.ServeHTTP(rec, req)
	for _, ck := range rec.Result().Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(b.Cookies, ck.Name)
		} else {
			b.Cookies[ck.Name] = ck
		}
	}
	return rec
}

// challengeOf reads the challenge of a ceremony's options.
func challengeOf(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	var o struct {
		PublicKey struct {
			Challenge string `json:"challenge"`
		} `json:"publicKey"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &o) != nil || o.PublicKey.Challenge == "" {
		t.Fatalf("ceremony options: %d %s", rec.Code, rec.Body.String())
	}
	return o.PublicKey.Challenge
}

// addPasskey registers k for the browser's user.
func addPasskey(t *testing.T, b *handlertest.Client, k *softKey, name string) {
	t.Helper()
	ch := challengeOf(t, send(b, "/account/passkeys", "application/x-www-form-urlencoded", url.Values{"name": {name}}.Encode()))
	rec := send(b, "/account/passkeys/finish", "application/json", k.attestation(t, ch))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "redirect") {
		t.Fatalf("registration: %d %s", rec.Code, rec.Body.String())
	}
}

// passwordStep logs in with the password, which leaves a pending login.
func passwordStep(t *testing.T, f *handlertest.Fixture, email string) *handlertest.Client {
	t.Helper()
	b := f.Anon()
	b.MustStatus(b.Get("/login"), http.StatusOK)
	rec := b.Post("/login", url.Values{"email": {email}, "password": {handlertest.Password}})
	if rec.Header().Get("Location") != "/login/verify" {
		t.Fatalf("login of %s: %d %q", email, rec.Code, rec.Header().Get("Location"))
	}
	return b
}

func TestAPasskeyLogsInAndABadAssertionIsRefused(t *testing.T) {
	f := handlertest.New(t)
	owner := f.Login(handlertest.OwnerEmail)
	key := newSoftKey(t)
	key.counter = 1
	addPasskey(t, owner, key, "Work laptop")
	ownerID := f.Actor(handlertest.OwnerEmail).ID

	member := f.Login(handlertest.MemberEmail)
	theirs := newSoftKey(t)
	addPasskey(t, member, theirs, "Their key")

	// The password, then the passkey: a session.
	b := passwordStep(t, f, handlertest.OwnerEmail)
	key.counter = 2
	ch := challengeOf(t, send(b, "/login/verify/passkey", "", ""))
	answer := key.assertion(t, ch, ownerID)
	rec := send(b, "/login/verify/passkey/finish", "application/json", answer)
	if rec.Code != http.StatusOK || b.Cookies["sa_session"] == nil {
		t.Fatalf("a good assertion: %d %s", rec.Code, rec.Body.String())
	}
	b.MustStatus(b.Get("/orgs/"+handlertest.IDs.Org+"/settings"), http.StatusOK)

	cases := []struct {
		name   string
		answer func(challenge string) string
	}{
		{"the same assertion again", func(string) string { return answer }},
		{"a counter that did not go up", func(ch string) string { return key.assertion(t, ch, ownerID) }},
		{"a counter that went back", func(ch string) string { key.counter = 1; return key.assertion(t, ch, ownerID) }},
		{"another user's passkey", func(ch string) string { return theirs.assertion(t, ch, f.Actor(handlertest.MemberEmail).ID) }},
		{"another user's passkey claiming this user", func(ch string) string { return theirs.assertion(t, ch, ownerID) }},
		{"not JSON", func(string) string { return "{" }},
		{"a signature over something else", func(ch string) string {
			key.counter = 50
			good := key.assertion(t, ch, ownerID)
			return strings.Replace(good, b64u.EncodeToString(clientData("webauthn.get", ch)), b64u.EncodeToString(clientData("webauthn.get", ch+"x")), 1)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := passwordStep(t, f, handlertest.OwnerEmail)
			ch := challengeOf(t, send(b, "/login/verify/passkey", "", ""))
			rec := send(b, "/login/verify/passkey/finish", "application/json", tc.answer(ch))
			if rec.Code != http.StatusUnauthorized || b.Cookies["sa_session"] != nil {
				t.Fatalf("%d, session %v: %s", rec.Code, b.Cookies["sa_session"] != nil, rec.Body.String())
			}
			if !strings.Contains(rec.Body.String(), `"error"`) {
				t.Errorf("no reason given: %s", rec.Body.String())
			}
		})
	}
	// After all that, the owner's key still works with a higher counter.
	b = passwordStep(t, f, handlertest.OwnerEmail)
	key.counter = 60
	ch = challengeOf(t, send(b, "/login/verify/passkey", "", ""))
	if rec := send(b, "/login/verify/passkey/finish", "application/json", key.assertion(t, ch, ownerID)); rec.Code != http.StatusOK {
		t.Fatalf("a good assertion after the bad ones: %d %s", rec.Code, rec.Body.String())
	}
	// An answer with no login pending is refused too.
	stranger := f.Anon()
	stranger.MustStatus(stranger.Get("/login"), http.StatusOK)
	if rec := send(stranger, "/login/verify/passkey/finish", "application/json", answer); rec.Code != http.StatusUnauthorized {
		t.Fatalf("an assertion without a login: %d", rec.Code)
	}
}

func TestPasskeysAreNamedListedAndRemovable(t *testing.T) {
	f := handlertest.New(t)
	owner := f.Login(handlertest.OwnerEmail)
	addPasskey(t, owner, newSoftKey(t), "Laptop")
	addPasskey(t, owner, newSoftKey(t), "Phone")
	if rec := send(owner, "/account/passkeys", "application/x-www-form-urlencoded", "name="); rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("a passkey without a name: %d", rec.Code)
	}
	doc := handlertest.Parse(t, owner.Get("/account/security"))
	rows := doc.Find(`[data-testid="passkey-row"]`)
	if rows.Length() != 2 || !strings.Contains(handlertest.Text(rows), "Laptop") || !strings.Contains(handlertest.Text(rows), "Phone") {
		t.Fatalf("passkeys listed: %q", handlertest.Text(rows))
	}
	remove := rows.First().Find("form").AttrOr("action", "")
	owner.MustStatus(owner.Post(remove, url.Values{}), http.StatusSeeOther)
	if n := handlertest.Parse(t, owner.Get("/account/security")).Find(`[data-testid="passkey-row"]`).Length(); n != 1 {
		t.Fatalf("%d passkeys after removing one", n)
	}
	// Another user cannot remove it.
	member := f.Login(handlertest.MemberEmail)
	left := handlertest.Parse(t, owner.Get("/account/security")).Find(`[data-testid="passkey-row"] form`).AttrOr("action", "")
	member.MustStatus(member.Post(left, url.Values{}), http.StatusNotFound)
}
