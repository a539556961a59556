package httpx

import (
	"bytes"
	"encoding/json"
	"unicode"
)

// ControlFree reports whether no value holds a control character other
// than tab, newline and carriage return (which a textarea may send). A NUL
// is a 500 on PostgreSQL, which refuses it in text, and the others have no
// business in a name, a filter or a case number: input is refused at the
// door with a 400 rather than failing deep inside.
func ControlFree(values ...string) bool {
	for _, v := range values {
		for _, r := range v {
			if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
				return false
			}
		}
	}
	return true
}

// ErrControlChars is the answer to input that ControlFree refuses.
const ErrControlChars = "The request contains a control character (such as NUL), which no field accepts."

// JSONControlFree reports whether no string of a JSON document, key or
// value, holds a control character that ControlFree refuses. A JSON
// string may carry a NUL as the escape \u0000, so the check reads the
// decoded strings, not the bytes. A document that does not parse is left
// to the decoder, which says what is wrong with it.
func JSONControlFree(body []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			return true
		}
		if s, ok := tok.(string); ok && !ControlFree(s) {
			return false
		}
	}
}
