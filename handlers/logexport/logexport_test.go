package logexport

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"supportaccess/models"
)

// TestWritersWriteEveryRowAndDisarmFormulas: both formats write each row
// whole, CSV under its header, and a cell a spreadsheet would read as a
// formula starts with a quote.
func TestWritersWriteEveryRowAndDisarmFormulas(t *testing.T) {
	at := models.At(time.Date(2026, 11, 27, 12, 0, 0, 250e6, time.UTC))
	d := models.AccessDecision{ID: "6b0000000000000000000001", OrgID: "o", CreatedAt: at, Justification: "=HYPERLINK(\"x\")",
		CaseNumber: "-1", Scope: models.ScopeAuditLogs, Allowed: true}
	for _, format := range []string{CSV, JSONL} {
		rec := httptest.NewRecorder()
		w, err := Decisions(rec, format, "log")
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if err := w.Row(&d); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if cd := rec.Header().Get("Content-Disposition"); cd != `attachment; filename="log.`+format+`"` {
			t.Fatalf("%s: Content-Disposition %q", format, cd)
		}
		if format == CSV {
			rows, err := csv.NewReader(rec.Body).ReadAll()
			if err != nil || len(rows) != 4 || len(rows[0]) != len(decisionHeader) {
				t.Fatalf("csv: %d rows, %v", len(rows), err)
			}
			r := rows[1]
			if r[1] != "2026-11-27T12:00:00.250Z" || r[11] != `'=HYPERLINK("x")` || r[10] != "'-1" || r[6] != "true" {
				t.Fatalf("csv row %q", r)
			}
			continue
		}
		n := 0
		for sc := bufio.NewScanner(strings.NewReader(rec.Body.String())); sc.Scan(); n++ {
			var got Decision
			if err := json.Unmarshal(sc.Bytes(), &got); err != nil || got.Justification != d.Justification || got.Created != "2026-11-27T12:00:00.250Z" {
				t.Fatalf("jsonl line %d: %v %s", n, err, sc.Bytes())
			}
		}
		if n != 3 {
			t.Fatalf("jsonl: %d lines", n)
		}
	}
}
