package httpx

import "unicode"

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
