package logexport

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
)

// csv reads an export in CSV: the header, the rows, and the trailer of
// seals and the end.
func (k *checker) csv(br *bufio.Reader) error {
	header, err := k.record(br)
	if err != nil {
		return err
	}
	events := slices.Equal(header, eventHeader)
	if !events && !slices.Equal(header, decisionHeader) {
		return errors.New("the header is not an export's of either log")
	}
	trailer := false
	for {
		rec, err := k.record(br)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		for i := range rec {
			rec[i] = uncell(rec[i])
		}
		switch {
		case trailer && rec[0] == "#seal":
			r, err := sealRecordOf(rec)
			if err == nil {
				err = k.seal(r)
			}
			if err != nil {
				return err
			}
		case trailer && rec[0] == "#end":
			if len(rec) != 3 {
				return errors.New("the end row has the rows and the seals")
			}
			rows, e1 := strconv.Atoi(rec[1])
			seals, e2 := strconv.Atoi(rec[2])
			if e1 != nil || e2 != nil {
				return errors.New("the end row counts the rows and the seals")
			}
			k.end = &endRecord{Rows: rows, Seals: seals}
		case trailer:
			return errors.New("a row of the trailer is a #seal or the #end")
		case rec[0] == "#seals":
			if !slices.Equal(rec, sealHeader) {
				return errors.New("the #seals row does not name a seal's cells")
			}
			trailer = true
		case len(rec) != len(header):
			return fmt.Errorf("a row has %d cells, the header %d", len(rec), len(header))
		case events:
			err = k.event(eventOfCells(rec))
		default:
			err = k.decisionCells(rec)
		}
		if err != nil {
			return err
		}
	}
}

func eventOfCells(c []string) EventRecord {
	return EventRecord{Event: Event{ID: c[0], Created: c[1], EventTypeName: c[2], OrgID: c[3], GroupID: c[4], ClusterName: c[5],
		ActorKind: c[6], ActorID: c[7], ActorName: c[8], RemoteAddress: c[9], GrantID: c[10], GrantType: c[11],
		ExpirationTime: c[12], Detail: c[13]}, ClusterID: c[14], SealBatch: c[15]}
}

func (k *checker) decisionCells(c []string) error {
	allowed, e1 := strconv.ParseBool(c[6])
	blocked, e2 := strconv.ParseBool(c[12])
	if e1 != nil || e2 != nil || c[6] != strconv.FormatBool(allowed) || c[12] != strconv.FormatBool(blocked) {
		return errors.New("allowed and restrictEmployeeAccess are true or false")
	}
	return k.decision(DecisionRecord{Decision: Decision{ID: c[0], Created: c[1], OrgID: c[2], GroupID: c[3], ClusterName: c[4],
		Scope: c[5], Allowed: allowed, ReasonCode: c[7], Reason: c[8], SupportEmail: c[9], CaseNumber: c[10],
		Justification: c[11], AccessBlocked: blocked, GrantID: c[13], GrantType: c[14], GrantExpirationTime: c[15],
		Via: c[16], RemoteAddress: c[17]}, ClusterID: c[18], StaffID: c[19], SealBatch: c[20]})
}

// record reads one CSV record as encoding/csv writes it (RFC 4180, lines
// ending in \n). encoding/csv's reader would turn a \r\n inside a quoted
// cell into \n, and so change the text the seal covers: this one keeps
// every byte.
func (k *checker) record(br *bufio.Reader) ([]string, error) {
	var cells []string
	var f []byte
	quoted, inQuotes, fresh := false, false, true
	k.line++
	for {
		c, err := br.ReadByte()
		if err == io.EOF {
			switch {
			case inQuotes:
				return nil, errors.New("a quoted cell is not closed")
			case cells == nil && fresh && len(f) == 0:
				return nil, io.EOF
			}
			return append(cells, string(f)), nil
		}
		if err != nil {
			return nil, err
		}
		switch {
		case inQuotes && c == '"':
			if next, err := br.Peek(1); err == nil && next[0] == '"' {
				_, _ = br.ReadByte()
				f = append(f, '"')
			} else {
				inQuotes = false
			}
		case inQuotes:
			if c == '\n' {
				k.line++
			}
			f = append(f, c)
		case c == '"' && fresh:
			inQuotes, quoted, fresh = true, true, false
		case c == ',':
			cells, f, quoted, fresh = append(cells, string(f)), f[:0], false, true
		case c == '\n':
			if !quoted && len(f) > 0 && f[len(f)-1] == '\r' {
				f = f[:len(f)-1] // a file saved with \r\n
			}
			return append(cells, string(f)), nil
		case quoted:
			return nil, errors.New("text follows a quoted cell's closing quote")
		default:
			f, fresh = append(f, c), false
		}
	}
}
