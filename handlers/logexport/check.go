package logexport

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"

	"supportaccess/models"
	"supportaccess/models/seal"
)

// Check verifies an export offline, with no database: it recomputes each
// row's digest from the fields the file shows (package seal's canonical
// encoding), and checks each batch's rows hash with the digests of the
// rows the export left out, each seal's hash and signature (against the
// keys o trusts, or else the key the seal carries), the chain between
// the seals of the file, and the end record. What does not match is the
// report's finding; an error says the file is not an export this package
// writes, and where.
func Check(r io.Reader, o seal.Options) (seal.ExportReport, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	k := &checker{c: seal.NewExportCheck(o), pending: map[int64][]seal.Row{}, given: map[int64]bool{}}
	first, err := br.Peek(1)
	if err != nil {
		return seal.ExportReport{}, errors.New("the file is empty: not an export")
	}
	if first[0] == '{' {
		err = k.jsonLines(br)
	} else {
		err = k.csv(br)
	}
	if err != nil {
		return seal.ExportReport{}, fmt.Errorf("line %d: %w", k.line, err)
	}
	return k.finish(), nil
}

// checker follows an export's lines: rows wait for their batch's seal.
type checker struct {
	c       *seal.ExportCheck
	line    int
	kind    seal.Kind
	pending map[int64][]seal.Row
	given   map[int64]bool
	rows    int
	seals   int
	end     *endRecord
}

func (k *checker) row(r seal.Row, batch string) error {
	if k.end != nil {
		return errors.New("a row follows the end record")
	}
	if k.kind != 0 && r.Kind != k.kind {
		return fmt.Errorf("an %s in an export of %ss", r.Kind.Label(), k.kind.Label())
	}
	k.kind = r.Kind
	k.rows++
	if batch == "unsealed" {
		k.c.Unsealed(r)
		return nil
	}
	b, err := strconv.ParseInt(batch, 10, 64)
	if err != nil || b <= 0 {
		return fmt.Errorf("sealBatch is a batch number or \"unsealed\", not %q", batch)
	}
	if k.given[b] {
		k.c.Stray(r, b) // its seal came before it: the row was moved or added
		return nil
	}
	k.pending[b] = append(k.pending[b], r)
	return nil
}

func (k *checker) seal(rec SealRecord) error {
	if k.end != nil {
		return errors.New("a seal follows the end record")
	}
	b, err := rec.batch()
	if err != nil {
		return err
	}
	k.seals++
	if k.given[b.Seal.Batch] {
		k.c.Batch(b) // Finish reports the seal twice
		return nil
	}
	b.Rows = k.pending[b.Seal.Batch]
	delete(k.pending, b.Seal.Batch)
	k.given[b.Seal.Batch] = true
	k.c.Batch(b)
	return nil
}

func (k *checker) finish() seal.ExportReport {
	for _, b := range slices.Sorted(maps.Keys(k.pending)) {
		for _, r := range k.pending[b] {
			k.c.Stray(r, b)
		}
	}
	rep := k.c.Finish()
	switch {
	case rep.Finding != nil:
		// A row or a seal named is the better answer than the count.
	case k.end == nil:
		rep.Add(seal.Finding{Problem: seal.Broken, Detail: "the export is cut short: it has no end record"})
	case k.end.Rows != k.rows || k.end.Seals != k.seals:
		rep.Add(seal.Finding{Problem: seal.Broken, Detail: fmt.Sprintf("the export holds %d rows and %d seals, its end record says %d and %d",
			k.rows, k.seals, k.end.Rows, k.end.Seals)})
	}
	return rep
}

// jsonLines reads an export in JSON Lines: rows, seals and the end.
func (k *checker) jsonLines(br *bufio.Reader) error {
	for {
		line, err := br.ReadBytes('\n')
		if len(line) == 0 && err == io.EOF {
			return nil
		}
		if err != nil && err != io.EOF {
			return err
		}
		k.line++
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var probe struct {
			Seal  json.RawMessage `json:"seal"`
			End   json.RawMessage `json:"end"`
			Event *string         `json:"eventTypeName"`
		}
		if err := json.Unmarshal(line, &probe); err != nil {
			return fmt.Errorf("not a JSON object: %v", err)
		}
		switch {
		case probe.Seal != nil:
			var s sealLine
			if err := strict(line, &s); err != nil || s.Seal == nil {
				return fmt.Errorf("a seal line: %v", err)
			}
			err = k.seal(*s.Seal)
		case probe.End != nil:
			var e endLine
			if err := strict(line, &e); err != nil || e.End == nil {
				return fmt.Errorf("the end line: %v", err)
			}
			k.end = e.End
		case probe.Event != nil:
			var r EventRecord
			if err = strict(line, &r); err == nil {
				err = k.event(r)
			}
		default:
			var r DecisionRecord
			if err = strict(line, &r); err == nil {
				err = k.decision(r)
			}
		}
		if err != nil {
			return err
		}
	}
}

// strict decodes one JSON line, refusing a field the export does not
// write: a field the seal does not cover would show as if it did.
func strict(line []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(line))
	d.DisallowUnknownFields()
	return d.Decode(v)
}

func (k *checker) decision(r DecisionRecord) error {
	created, err := unexact("created", r.Created)
	if err != nil {
		return err
	}
	exp, err := unexact("grantExpirationTime", r.GrantExpirationTime)
	if err != nil {
		return err
	}
	d := models.AccessDecision{ID: r.ID, OrgID: r.OrgID, ProjectID: r.GroupID, ClusterID: r.ClusterID, ClusterName: r.ClusterName,
		StaffID: r.StaffID, StaffEmail: r.SupportEmail, CaseNumber: r.CaseNumber, Justification: r.Justification,
		Scope: models.Scope(r.Scope), Allowed: r.Allowed, ReasonCode: models.ReasonCode(r.ReasonCode), Reason: r.Reason,
		Blocked: r.AccessBlocked, GrantID: r.GrantID, GrantType: models.GrantType(r.GrantType), GrantExpiresAt: exp,
		Via: r.Via, RemoteAddr: r.RemoteAddress, CreatedAt: created}
	return k.row(seal.DecisionRow(d), r.SealBatch)
}

func (k *checker) event(r EventRecord) error {
	created, err := unexact("created", r.Created)
	if err != nil {
		return err
	}
	exp, err := unexact("expirationTime", r.ExpirationTime)
	if err != nil {
		return err
	}
	e := models.Event{ID: r.ID, OrgID: r.OrgID, ProjectID: r.GroupID, ClusterID: r.ClusterID, ClusterName: r.ClusterName,
		Type: models.EventType(r.EventTypeName), ActorKind: models.ActorKind(r.ActorKind), ActorID: r.ActorID,
		ActorName: r.ActorName, RemoteAddr: r.RemoteAddress, GrantID: r.GrantID, GrantType: models.GrantType(r.GrantType),
		ExpiresAt: exp, Detail: r.Detail, CreatedAt: created}
	return k.row(seal.EventRow(e), r.SealBatch)
}
