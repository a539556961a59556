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
// whole, CSV under its header and above its trailer, times to the
// nanosecond, a row no seal names marked so, and a cell a spreadsheet
// would read as a formula (or that starts with a quote) starts with a
// quote.
func TestWritersWriteEveryRowAndDisarmFormulas(t *testing.T) {
	at := models.At(time.Date(2026, 11, 27, 12, 0, 0, 250e6, time.UTC))
	d := models.AccessDecision{ID: "6b0000000000000000000001", OrgID: "o", CreatedAt: at + 7, Justification: "=HYPERLINK(\"x\")",
		CaseNumber: "-1", Scope: models.ScopeAuditLogs, Allowed: true, Reason: "'quoted"}
	for _, format := range []string{CSV, JSONL} {
		rec := httptest.NewRecorder()
		w, err := Decisions(rec, format, "log")
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if err := w.Row(&d, 0); err != nil {
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
			cr := csv.NewReader(rec.Body)
			cr.FieldsPerRecord = -1
			rows, err := cr.ReadAll()
			if err != nil || len(rows) != 6 || len(rows[0]) != len(decisionHeader) || rows[4][0] != "#seals" || rows[5][0] != "#end" {
				t.Fatalf("csv: %d rows, %v", len(rows), err)
			}
			r := rows[1]
			if r[1] != "2026-11-27T12:00:00.250000007Z" || r[11] != `'=HYPERLINK("x")` || r[10] != "'-1" || r[6] != "true" ||
				r[8] != "''quoted" || r[len(r)-1] != "unsealed" {
				t.Fatalf("csv row %q", r)
			}
			continue
		}
		n := 0
		for sc := bufio.NewScanner(strings.NewReader(rec.Body.String())); sc.Scan() && n < 3; n++ {
			var got DecisionRecord
			if err := json.Unmarshal(sc.Bytes(), &got); err != nil || got.Justification != d.Justification ||
				got.Created != "2026-11-27T12:00:00.250000007Z" || got.SealBatch != "unsealed" {
				t.Fatalf("jsonl line %d: %v %s", n, err, sc.Bytes())
			}
		}
		if n != 3 || !strings.HasSuffix(rec.Body.String(), `{"end":{"rows":3,"seals":0}}`+"\n") {
			t.Fatalf("jsonl: %d lines", n)
		}
	}
}
