package logexport_test

import (
	"bytes"
	"crypto/ed25519"
	"strings"
	"testing"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/handlers/logexport"
	"supportaccess/models/seal"
)

// fails reports whether the check refuses b: a finding, or a file it
// cannot read.
func fails(b []byte, o seal.Options) bool {
	r, err := logexport.Check(bytes.NewReader(b), o)
	return err != nil || !r.Intact()
}

// TestAlteredExportsFailTheOfflineCheck: flipping the low bit of a
// byte of a filtered export, CSV or JSON Lines, anywhere in a sealed row,
// a seal, a header or the end, fails the check; only a row marked not
// yet sealed can change unseen (no seal vouches for it: the check counts
// it, and says so). Every byte of the header, of the first sealed rows
// and of the end is tried, and one in eleven of the seals, whose
// manifests and digests are most of the file (trying each would take
// minutes for no more proof). A changed field, a removed row and an
// added row are each named.
func TestAlteredExportsFailTheOfflineCheck(t *testing.T) {
	handlertest.EachBackend(t, func(t *testing.T, f *handlertest.APIFixture) {
		key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{5}, 32))
		sealedLog(t, f, key)
		trusted := seal.Options{Trusted: []ed25519.PublicKey{key.Public().(ed25519.PublicKey)}}
		for _, format := range []string{logexport.CSV, logexport.JSONL} {
			b := apiExport(t, f, "format="+format+"&outcome=DENIED")
			if fails(b, seal.Options{}) || fails(b, trusted) {
				t.Fatalf("%s: the intact export fails", format)
			}
			at, rows, tried := 0, 0, 0
			for n, line := range bytes.SplitAfter(b, []byte("\n")) {
				isSeal := bytes.HasPrefix(line, []byte("#seal,")) || bytes.HasPrefix(line, []byte(`{"seal"`))
				isRow := !isSeal && n > 0 && !bytes.HasPrefix(line, []byte("#")) && !bytes.HasPrefix(line, []byte(`{"end"`))
				unsealed := bytes.Contains(line, []byte(",unsealed\n")) || bytes.Contains(line, []byte(`"sealBatch":"unsealed"`))
				if isRow && !unsealed {
					rows++
				}
				for i := range line {
					if unsealed || isRow && rows > 2 || isSeal && (at+i)%11 != 0 {
						continue
					}
					c := bytes.Clone(b)
					c[at+i] ^= 1
					if tried++; !fails(c, trusted) {
						t.Fatalf("%s: byte %d of line %q changed to %q, and the export still checks intact", format, i, line, c[at+i])
					}
				}
				at += len(line)
			}
			if tried < 800 {
				t.Fatalf("%s: %d bytes tried", format, tried)
			}
		}

		o := trusted
		b := apiExport(t, f, "format=jsonl")
		lines := strings.SplitAfter(string(b), "\n")
		row := -1
		for i, l := range lines {
			if strings.Contains(l, `"sealBatch":"2"`) {
				row = i
				break
			}
		}
		if row < 0 {
			t.Fatal("no row of batch 2 in the export")
		}
		id := between(lines[row], `"id":"`, `"`)
		cases := map[string]struct {
			lines   []string
			problem seal.Problem
			id      string
		}{
			"changed": {replaceAt(lines, row, strings.Replace(lines[row], `"caseNumber":"`, `"caseNumber":"9`, 1)), seal.Changed, id},
			"removed": {replaceAt(lines, row), seal.Missing, id},
			"added": {replaceAt(lines, row, lines[row], strings.Replace(lines[row], id, "6b00000000000000000000ff", 1)),
				seal.Inserted, "6b00000000000000000000ff"},
		}
		for name, c := range cases {
			r, err := logexport.Check(strings.NewReader(strings.Join(c.lines, "")), o)
			if err != nil || r.Intact() || r.Finding.Problem != c.problem || r.Finding.ID != c.id {
				t.Fatalf("%s: %v, %s", name, err, r.Summary())
			}
		}
		if r, err := logexport.Check(strings.NewReader(strings.Join(lines[:len(lines)-2], "")), o); err != nil || r.Intact() {
			t.Fatalf("cut short: %v %s", err, r.Summary())
		}
		for _, bad := range []string{"", "not,an,export\n", "{\"id\":\n", "{\"seal\":{\"batch\":\"x\"}}\n"} {
			if _, err := logexport.Check(strings.NewReader(bad), o); err == nil {
				t.Fatalf("%q: no error", bad)
			}
		}
	})
}

// replaceAt is lines with the line at i replaced by with (none: removed).
func replaceAt(lines []string, i int, with ...string) []string {
	out := append([]string{}, lines[:i]...)
	out = append(out, with...)
	return append(out, lines[i+1:]...)
}

func between(s, from, to string) string {
	_, rest, _ := strings.Cut(s, from)
	v, _, _ := strings.Cut(rest, to)
	return v
}
