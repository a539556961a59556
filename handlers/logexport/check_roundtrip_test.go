package logexport

import (
	"bytes"
	"net/http/httptest"
	"testing"
	"time"

	"supportaccess/models"
	"supportaccess/models/seal"
)

// TestAwkwardTextSurvivesTheRoundTrip: text a spreadsheet would take for
// a formula, a leading quote, a quote, a comma, \r\n and \n inside a cell,
// and a far-off instant all read back exactly as sealed, in both formats;
// so does a batch whose events the export of decisions leaves out.
func TestAwkwardTextSurvivesTheRoundTrip(t *testing.T) {
	at := models.At(time.Date(2026, 11, 27, 12, 0, 0, 123456789, time.UTC))
	ds := []models.AccessDecision{
		{ID: "6b0000000000000000000001", OrgID: "o", CreatedAt: at, Justification: "=SUM(A1)\r\nsecond line\nthird, \"quoted\"",
			Reason: "'already quoted", CaseNumber: "+1", Via: "@via", StaffEmail: "-x", Scope: models.ScopeAuditLogs},
		{ID: "not-a-hex-id", OrgID: "o", CreatedAt: at + 1, GrantExpiresAt: models.At(time.Date(2250, 1, 1, 0, 0, 0, 1, time.UTC)),
			Allowed: true, Blocked: true, RemoteAddr: "\t10.0.0.1", ClusterName: "é"},
	}
	rows := []seal.Row{seal.EventRow(models.Event{ID: "6b00000000000000000000e1", OrgID: "o", CreatedAt: at})}
	for _, d := range ds {
		rows = append(rows, seal.DecisionRow(d))
	}
	s := seal.Build("o", 1, [32]byte{}, 0, int64(at)+10, rows, nil)
	pos, err := s.Positions(seal.KindDecision)
	if err != nil {
		t.Fatal(err)
	}
	taken := make([]bool, s.Rows)
	for _, p := range pos {
		taken[p] = true
	}
	left, err := s.LeftOut(taken, 0, nil)
	if err != nil || len(left) != 32 {
		t.Fatalf("left out: %d bytes, %v", len(left), err)
	}
	s.Digests = nil
	for _, format := range []string{CSV, JSONL} {
		rec := httptest.NewRecorder()
		w, err := Decisions(rec, format, "log")
		if err != nil {
			t.Fatal(err)
		}
		for i := range ds {
			if err := w.Row(&ds[len(ds)-1-i], 1); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Seal(seal.ExportBatch{Seal: s, LeftOut: left}); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		r, err := Check(bytes.NewReader(rec.Body.Bytes()), seal.Options{})
		if err != nil || !r.Intact() || r.Rows != 2 || r.LeftOut != 1 || r.Batches != 1 {
			t.Fatalf("%s: %v %s\n%s", format, err, r.Summary(), rec.Body.String())
		}
	}
}

// TestEveryExportedFieldIsSealed: a new value in any cell of a sealed
// row (but sealBatch, which the check reads to find the seal) fails the
// check, in an export of either log: the export shows no field the seal
// does not cover.
func TestEveryExportedFieldIsSealed(t *testing.T) {
	at := models.At(time.Date(2026, 11, 27, 12, 0, 0, 5, time.UTC))
	d := models.AccessDecision{ID: "6b0000000000000000000001", OrgID: "o", CreatedAt: at}
	e := models.Event{ID: "6b0000000000000000000002", OrgID: "o", CreatedAt: at}
	s := seal.Build("o", 1, [32]byte{}, 0, int64(at), []seal.Row{seal.DecisionRow(d), seal.EventRow(e)}, nil)
	one := func(write func(*httptest.ResponseRecorder) ([]string, error)) {
		rec := httptest.NewRecorder()
		header, err := write(rec)
		if err != nil {
			t.Fatal(err)
		}
		if r, err := Check(bytes.NewReader(rec.Body.Bytes()), seal.Options{}); err != nil || !r.Intact() || r.LeftOut != 1 {
			t.Fatalf("the export as written: %v %s", err, r.Summary())
		}
		lines := bytes.SplitN(rec.Body.Bytes(), []byte("\n"), 3)
		if len(header) < 10 || bytes.Count(lines[1], []byte(",")) != len(header)-1 {
			t.Fatalf("row %q", lines[1])
		}
		for i, name := range header {
			if name == "sealBatch" {
				continue
			}
			cells := bytes.Split(lines[1], []byte(","))
			switch {
			case name == "created" || name == "grantExpirationTime" || name == "expirationTime":
				cells[i] = []byte("2026-11-27T12:00:00.000000006Z")
			case string(cells[i]) == "false":
				cells[i] = []byte("true")
			default:
				cells[i] = append(cells[i], 'x')
			}
			changed := bytes.Join([][]byte{lines[0], bytes.Join(cells, []byte(",")), lines[2]}, []byte("\n"))
			if r, err := Check(bytes.NewReader(changed), seal.Options{}); err == nil && r.Intact() {
				t.Fatalf("%s changed, and the export still checks intact", name)
			}
		}
	}
	// Each export carries one row of the batch and leaves the other out.
	sealed := func(w interface {
		Seal(seal.ExportBatch) error
		Close() error
	}, kind seal.Kind) error {
		pos, _ := s.Positions(kind)
		taken := make([]bool, 2)
		for _, p := range pos {
			taken[p] = true
		}
		left, _ := s.LeftOut(taken, 0, nil)
		if err := w.Seal(seal.ExportBatch{Seal: s, LeftOut: left}); err != nil {
			return err
		}
		return w.Close()
	}
	one(func(rec *httptest.ResponseRecorder) ([]string, error) {
		w, err := Decisions(rec, CSV, "d")
		if err == nil {
			err = w.Row(&d, 1)
		}
		if err == nil {
			err = sealed(w, seal.KindDecision)
		}
		return decisionHeader, err
	})
	one(func(rec *httptest.ResponseRecorder) ([]string, error) {
		w, err := Events(rec, CSV, "e")
		if err == nil {
			err = w.Row(&e, 1)
		}
		if err == nil {
			err = sealed(w, seal.KindEvent)
		}
		return eventHeader, err
	})
}
