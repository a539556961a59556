// Package logexport writes the two logs (the Support Access Log's
// decisions, the activity feed's events) as files, CSV or JSON Lines,
// row by row as the store reads them: an export of any size holds one
// batch of rows and a write buffer. The console's download buttons and
// the Admin API's export endpoint share it, so that both give the same
// columns under the same names.
//
// An export carries the seals of its rows (seals.go) and Check verifies
// it offline. In JSON Lines a batch's seal is a line of its own after
// the batch's rows; in CSV the seals follow the rows as a trailer that
// starts with a row whose first cell is "#seals" (so that the table a
// spreadsheet shows is the rows under their header, and the file cannot
// be parted from its proof). Both end with an end record that counts the
// rows and seals, so that a file cut short is found.
package logexport

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"supportaccess/models"
	"supportaccess/models/seal"
)

// Formats an export is offered in, by the name the query gives.
const (
	CSV   = "csv"
	JSONL = "jsonl"
)

// ValidFormat reports whether f names a format of this package.
func ValidFormat(f string) bool { return f == CSV || f == JSONL }

// Writer writes rows of one kind in one format to a response.
type Writer[T any] struct {
	format string
	buf    *bufio.Writer
	csv    *csv.Writer
	json   *json.Encoder
	line   func(*csvLine, *T, int64)
	record func(*T, int64) any
	row    csvLine
	rows   int
	seals  int
	rc     *http.ResponseController
	// trailer holds a CSV export's seals until the rows are out: a file,
	// so that memory stays flat however many seals there are.
	trailer *os.File
	tcsv    *csv.Writer
}

// writerFlushEvery is how many rows go out between two flushes to the
// client, so that a long export shows progress and its bytes leave the
// server rather than queue in it.
const writerFlushEvery = 5000

// writeGrace is how long the client has to take each flush's bytes: a
// long export outlives the server's write timeout (serve's limits), which
// each flush moves on, so that only a client that stops reading is cut.
const writeGrace = time.Minute

// start sends the headers of a download named name (without extension)
// and returns the writer of its rows; header is the CSV header line, line
// writes a row's CSV line and record is a row's JSON.
func start[T any](w http.ResponseWriter, format, name string, header []string, line func(*csvLine, *T, int64), record func(*T, int64) any) (*Writer[T], error) {
	h := w.Header()
	if format == CSV {
		h.Set("Content-Type", "text/csv; charset=utf-8")
	} else {
		h.Set("Content-Type", "application/jsonl; charset=utf-8")
	}
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, name, format))
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	x := &Writer[T]{format: format, buf: bufio.NewWriterSize(w, 64<<10), line: line, record: record}
	x.rc = http.NewResponseController(w)
	_ = x.rc.SetWriteDeadline(time.Now().Add(writeGrace))
	if format == CSV {
		// The header and the trailer go through encoding/csv, the rows
		// straight into buf (csvLine): csv's own buffer is flushed each
		// time.
		x.csv = csv.NewWriter(x.buf)
		if err := x.csv.Write(header); err != nil {
			return nil, err
		}
		x.csv.Flush()
	} else {
		x.json = json.NewEncoder(x.buf)
		x.json.SetEscapeHTML(false)
	}
	return x, nil
}

// Row writes one row, sealed in batch (0: not sealed yet).
func (x *Writer[T]) Row(r *T, batch int64) error {
	var err error
	if x.csv != nil {
		x.row.reset()
		x.line(&x.row, r, batch)
		x.row.end()
		_, err = x.buf.Write(x.row.b)
	} else {
		err = x.json.Encode(x.record(r, batch))
	}
	if err != nil {
		return err
	}
	x.rows++
	if x.rows%writerFlushEvery == 0 {
		return x.sendOut()
	}
	return nil
}

// Seal writes the seal of a batch the export is past: in JSON Lines at
// once, in CSV into the trailer.
func (x *Writer[T]) Seal(b seal.ExportBatch) error {
	x.seals++
	rec := NewSealRecord(b)
	if x.csv == nil {
		return x.json.Encode(sealLine{Seal: &rec})
	}
	if x.trailer == nil {
		f, err := os.CreateTemp("", "export-seals-*.csv")
		if err != nil {
			return fmt.Errorf("export: seals: %w", err)
		}
		// Gone from the directory at once: the open file stays ours.
		_ = os.Remove(f.Name())
		x.trailer, x.tcsv = f, csv.NewWriter(f)
	}
	return x.tcsv.Write(rec.cells())
}

// Close writes the seals' trailer (CSV) and the end record, and what is
// buffered.
func (x *Writer[T]) Close() error {
	defer x.drop()
	if x.csv == nil {
		if err := x.json.Encode(endLine{End: &endRecord{Rows: x.rows, Seals: x.seals}}); err != nil {
			return err
		}
		return x.sendOut()
	}
	if err := x.csv.Write(sealHeader); err != nil {
		return err
	}
	if x.trailer != nil {
		x.tcsv.Flush()
		if err := x.tcsv.Error(); err != nil {
			return fmt.Errorf("export: seals: %w", err)
		}
		if err := x.sendOut(); err != nil {
			return err
		}
		if _, err := x.trailer.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("export: seals: %w", err)
		}
		if _, err := io.Copy(x.buf, x.trailer); err != nil {
			return err
		}
	}
	if err := x.csv.Write(endCells(x.rows, x.seals)); err != nil {
		return err
	}
	return x.sendOut()
}

// drop lets the trailer's file go.
func (x *Writer[T]) drop() {
	if x.trailer != nil {
		_ = x.trailer.Close()
		x.trailer = nil
	}
}

func (x *Writer[T]) sendOut() error {
	if x.csv != nil {
		x.csv.Flush()
		if err := x.csv.Error(); err != nil {
			return err
		}
	}
	if err := x.buf.Flush(); err != nil {
		return err
	}
	// Where the writer cannot flush or move its deadline (a test's
	// recorder), the bytes still go out at the end.
	_ = x.rc.Flush()
	_ = x.rc.SetWriteDeadline(time.Now().Add(writeGrace))
	return nil
}

// cell keeps a spreadsheet from reading a value as a formula: a support
// employee's justification is text from outside the organization. A
// value that starts with the quote gets one too, so that the check
// (uncell) reads every value back as it was.
func cell(v string) string {
	if disarms(v) {
		return "'" + v
	}
	return v
}

// uncell is the value cell was given.
func uncell(v string) string { return strings.TrimPrefix(v, "'") }

// stamp is an instant as the Admin API writes it, empty for none.
func stamp(i models.Instant) string {
	if i.IsZero() {
		return ""
	}
	return i.Time().UTC().Format("2006-01-02T15:04:05.000Z")
}

// FileName is the name of a download of a log of an organization, dated.
func FileName(log, orgID string, now time.Time) string {
	return log + "-" + orgID + "-" + now.UTC().Format("20060102T150405Z")
}
