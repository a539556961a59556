package atlasapi

import (
	"errors"
	"strings"
)

// digestAuth is the parameters of an "Authorization: Digest ..." header
// (RFC 7616 section 3.4).
type digestAuth struct {
	Username  string
	Realm     string
	Nonce     string
	URI       string
	Response  string
	Algorithm string
	Cnonce    string
	Opaque    string
	Qop       string
	NC        string
}

// maxDigestHeader bounds the work a hostile header can cause.
const maxDigestHeader = 4096

var errDigestSyntax = errors.New("malformed Digest authorization header")

// parseDigestAuthorization reads a Digest credentials header: the scheme,
// then comma-separated name=value pairs whose values are tokens or quoted
// strings with backslash escapes. Unknown parameters are ignored as the RFC
// asks; a repeated parameter, a missing required one or a syntax error
// makes the whole header invalid.
func parseDigestAuthorization(h string) (digestAuth, error) {
	var d digestAuth
	if len(h) > maxDigestHeader {
		return d, errDigestSyntax
	}
	scheme, rest, _ := strings.Cut(strings.TrimLeft(h, " \t"), " ")
	if !strings.EqualFold(scheme, "Digest") {
		return d, errDigestSyntax
	}
	seen := map[string]bool{}
	for {
		rest = strings.TrimLeft(rest, " \t")
		if rest == "" {
			break
		}
		i := strings.IndexByte(rest, '=')
		if i <= 0 {
			return d, errDigestSyntax
		}
		name := strings.ToLower(strings.TrimRight(rest[:i], " \t"))
		if !isToken(name) {
			return d, errDigestSyntax
		}
		rest = strings.TrimLeft(rest[i+1:], " \t")
		var value string
		var err error
		value, rest, err = digestValue(rest)
		if err != nil {
			return d, err
		}
		if seen[name] {
			return d, errDigestSyntax
		}
		seen[name] = true
		d.set(name, value)
		rest = strings.TrimLeft(rest, " \t")
		if rest == "" {
			break
		}
		if rest[0] != ',' {
			return d, errDigestSyntax
		}
		rest = rest[1:]
	}
	if d.Username == "" || d.Realm == "" || d.Nonce == "" || d.URI == "" || d.Response == "" {
		return d, errDigestSyntax
	}
	return d, nil
}

// digestValue reads one token or quoted string from the start of s.
func digestValue(s string) (value, rest string, err error) {
	if s == "" {
		return "", "", errDigestSyntax
	}
	if s[0] != '"' {
		end := strings.IndexAny(s, ", \t")
		if end < 0 {
			end = len(s)
		}
		if end == 0 || !isToken(s[:end]) {
			return "", "", errDigestSyntax
		}
		return s[:end], s[end:], nil
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 >= len(s) {
				return "", "", errDigestSyntax
			}
			i++
			b.WriteByte(s[i])
		case '"':
			return b.String(), s[i+1:], nil
		default:
			if c < 0x20 && c != '\t' || c == 0x7f {
				return "", "", errDigestSyntax
			}
			b.WriteByte(c)
		}
	}
	return "", "", errDigestSyntax
}

func (d *digestAuth) set(name, value string) {
	switch name {
	case "username":
		d.Username = value
	case "realm":
		d.Realm = value
	case "nonce":
		d.Nonce = value
	case "uri":
		d.URI = value
	case "response":
		d.Response = value
	case "algorithm":
		d.Algorithm = value
	case "cnonce":
		d.Cnonce = value
	case "opaque":
		d.Opaque = value
	case "qop":
		d.Qop = value
	case "nc":
		d.NC = value
	}
}

// isToken reports whether s is an HTTP token (RFC 9110 section 5.6.2).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
