package logexport

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"supportaccess/models"
)

// csvLine builds one line of an export's CSV, cell by cell, into a buffer
// that the next line reuses. It writes what encoding/csv writes for the
// same cells (comma separated, "\n" at the end, a cell quoted when it
// holds a comma, a quote, CR or LF, starts with a space or is `\.`, its
// quotes doubled), with each cell disarmed (cell) first. A row of the
// log went through encoding/csv as a slice of 21 strings, each made for
// it: a fifth of an export's CPU, the most of it on the writer's one core.
type csvLine struct {
	b     []byte
	cells int
}

func (l *csvLine) reset() { l.b, l.cells = l.b[:0], 0 }

// sep starts a cell: a comma before each but the first.
func (l *csvLine) sep() {
	if l.cells > 0 {
		l.b = append(l.b, ',')
	}
	l.cells++
}

// text adds a cell, disarmed and quoted as it needs.
func (l *csvLine) text(v string) {
	l.sep()
	disarm := disarms(v)
	// encoding/csv quotes a cell with a comma, a quote, CR or LF, and one
	// that is `\.` or starts with a space ("'" + v never does).
	quote := strings.ContainsAny(v, ",\"\r\n")
	if !disarm && !quote {
		quote = v == `\.` || startsWithSpace(v)
	}
	if quote {
		l.b = append(l.b, '"')
	}
	if disarm {
		l.b = append(l.b, '\'')
	}
	if !quote {
		l.b = append(l.b, v...)
		return
	}
	for {
		i := strings.IndexByte(v, '"')
		if i < 0 {
			break
		}
		l.b = append(append(l.b, v[:i+1]...), '"')
		v = v[i+1:]
	}
	l.b = append(append(l.b, v...), '"')
}

// instant adds an instant as exact writes it: digits first, never
// disarmed or quoted.
func (l *csvLine) instant(i models.Instant) {
	l.sep()
	if !i.IsZero() {
		l.b = i.Time().UTC().AppendFormat(l.b, exactLayout)
	}
}

func (l *csvLine) bool(v bool) {
	l.sep()
	l.b = strconv.AppendBool(l.b, v)
}

// batch adds the batch that seals a row, as sealBatch writes it.
func (l *csvLine) batch(b int64) {
	l.sep()
	if b == 0 {
		l.b = append(l.b, "unsealed"...)
		return
	}
	l.b = strconv.AppendInt(l.b, b, 10)
}

// end ends the line.
func (l *csvLine) end() { l.b = append(l.b, '\n') }

// formulaStarts are the first characters cell disarms.
const formulaStarts = "=+-@\t\r'"

// disarms reports whether cell puts a quote before v.
func disarms(v string) bool { return v != "" && strings.IndexByte(formulaStarts, v[0]) >= 0 }

// startsWithSpace is encoding/csv's other reason to quote a cell.
func startsWithSpace(v string) bool {
	r, _ := utf8.DecodeRuneInString(v)
	return v != "" && unicode.IsSpace(r)
}
