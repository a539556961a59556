package logexport

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"supportaccess/models"
)

// awkward are cell values that need disarming, quoting, both, or neither.
var awkward = []string{"", "plain", "a,b", `say "hi"`, "two\nlines", "cr\rhere", " lead", "\u00a0nbsp lead", `\.`, `'\.`,
	"=1+1", "+1", "-1", "@sum", "\tTab", "\rcr", "'quoted", `="a,b"`, "-\n", "é début", "trail ", ",", `"`}

// TestCSVCellsAreWhatEncodingCSVWrites: each value, alone and between
// others, comes out as encoding/csv writes the disarmed cell.
func TestCSVCellsAreWhatEncodingCSVWrites(t *testing.T) {
	for _, v := range append(awkward, "\x80 not UTF-8") { // (JSON would mend it)
		for _, cells := range [][]string{{v}, {"x", v, "y"}, {v, v}, {"", v}} {
			var want bytes.Buffer
			cw := csv.NewWriter(&want)
			disarmed := make([]string, len(cells))
			for i, c := range cells {
				disarmed[i] = cell(c)
			}
			if err := cw.Write(disarmed); err != nil {
				t.Fatal(err)
			}
			cw.Flush()
			var l csvLine
			for _, c := range cells {
				l.text(c)
			}
			l.end()
			if string(l.b) != want.String() {
				t.Fatalf("cells %q: wrote %q, encoding/csv writes %q", cells, l.b, want.String())
			}
		}
	}
}

// TestCSVLinesHoldTheRecordsFields: a decision's and an event's CSV line,
// read back, are their JSON record's fields by the header's names (which
// are the JSON names), for values of every awkward kind, with and without
// times and a seal.
func TestCSVLinesHoldTheRecordsFields(t *testing.T) {
	at := models.At(time.Date(2026, 11, 27, 12, 0, 0, 250e6+7, time.UTC))
	for i, v := range awkward {
		w := awkward[(i+7)%len(awkward)]
		d := models.AccessDecision{ID: "id" + v, OrgID: w, ProjectID: v, ClusterID: w, ClusterName: v, StaffID: v, StaffEmail: w,
			CaseNumber: v, Justification: w, Scope: models.Scope(v), Allowed: i%2 == 0, ReasonCode: models.ReasonCode(w), Reason: v,
			Blocked: i%3 == 0, GrantID: w, GrantType: models.GrantType(v), Via: w, RemoteAddr: v, CreatedAt: at + models.Instant(i)}
		e := models.Event{ID: "id" + w, OrgID: v, ProjectID: w, ClusterID: v, ClusterName: w, Type: models.EventType(v),
			ActorKind: models.ActorKind(w), ActorID: v, ActorName: w, RemoteAddr: v, GrantID: w, GrantType: models.GrantType(v),
			Detail: w, CreatedAt: at}
		batch := int64(0)
		if i%2 == 1 {
			d.GrantExpiresAt, e.ExpiresAt, batch = at+3600e9, at+60e9, int64(i)
		}
		var l csvLine
		decisionLine(&l, &d, batch)
		sameFields(t, l, decisionHeader, NewDecisionRecord(&d, batch))
		l.reset()
		eventLine(&l, &e, batch)
		sameFields(t, l, eventHeader, NewEventRecord(&e, batch))
	}
}

// sameFields checks that line, under header, holds record's JSON fields.
func sameFields(t *testing.T, l csvLine, header []string, record any) {
	t.Helper()
	l.end()
	cells, err := csv.NewReader(bytes.NewReader(l.b)).Read()
	if err != nil || len(cells) != len(header) {
		t.Fatalf("line %q: %d cells, %v", l.b, len(cells), err)
	}
	raw, err := json.Marshal(record)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		t.Fatal(err)
	}
	for i, name := range header {
		want := ""
		if f, ok := fields[name]; ok {
			want = fmt.Sprint(f)
		}
		if got := uncell(cells[i]); got != want {
			t.Fatalf("%s: the line says %q, the record %q (line %q)", name, got, want, l.b)
		}
		delete(fields, name)
	}
	if len(fields) > 0 {
		t.Fatalf("fields of the record not in the line: %v", fields)
	}
}
