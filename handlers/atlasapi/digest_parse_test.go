package atlasapi

import (
	"strings"
	"testing"
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
