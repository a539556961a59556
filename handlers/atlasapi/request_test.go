package atlasapi

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestShortForMessageCutsBetweenCharacters: a long value quoted back in a
// message is cut to 80 bytes at most, never inside a character.
func TestShortForMessageCutsBetweenCharacters(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"short", "short"},
		{strings.Repeat("a", 80), strings.Repeat("a", 80)},
		{strings.Repeat("a", 81), strings.Repeat("a", 80) + "..."},
		// "é" is two bytes: the 80th byte is the first half of one.
		{strings.Repeat("a", 79) + "éé", strings.Repeat("a", 79) + "..."},
		{strings.Repeat("€", 40), strings.Repeat("€", 26) + "..."},
	} {
		got := shortForMessage(tc.in)
		if got != tc.want || !utf8.ValidString(got) {
			t.Errorf("shortForMessage(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
