// Package seal makes an organization's record (its activity events and
// its support access decisions) tamper-evident: rows are sealed in
// batches, each seal chained to the one before by hash and optionally
// signed with Ed25519, so that a changed, removed, inserted or reordered
// row in the sealed past is found by recomputing the seals. The package is
// pure: it encodes, hashes, builds and checks, and knows nothing of the
// database; package store seals and reads, and an export (which carries
// its rows' seals and the digests of the rows its filter left out) is
// checked offline with ExportCheck alone.
//
// # Canonical encoding, version 1
//
// A row encodes as the version byte (1), its kind ('E' for an event, 'D'
// for a decision), then each of its fields in the order below: a text as
// its length in bytes (unsigned LEB128 varint) followed by its UTF-8
// bytes, an instant (Unix nanoseconds) or other integer as 8 bytes
// big-endian two's complement, a flag as one byte 0 or 1.
//
//	event:    id, org_id, project_id, cluster_id, cluster_name, type,
//	          actor_kind, actor_id, actor_name, remote_addr, grant_id,
//	          grant_type, expires_at (instant), detail, created_at (instant)
//	decision: id, org_id, project_id, cluster_id, cluster_name, staff_id,
//	          staff_email, case_number, justification, scope, allowed (flag),
//	          reason_code, reason, blocked (flag), grant_id, grant_type,
//	          grant_expires_at (instant), via, remote_addr, created_at (instant)
//
// A row's digest is the SHA-256 of its encoding. Within a batch rows are
// in canonical order: by created_at, then id, then kind.
package seal

import (
	"crypto/sha256"
	"encoding/binary"

	"supportaccess/models"
)

// Version is the version of the canonical encoding and of the seal's
// header; it is the first byte of both.
const Version byte = 1

// Kind tells which log a row belongs to.
type Kind byte

// The two logs of an organization's record.
const (
	KindEvent    Kind = 'E'
	KindDecision Kind = 'D'
)

// Label names the log of a kind, for messages.
func (k Kind) Label() string {
	if k == KindDecision {
		return "access decision"
	}
	return "event"
}

// Row is one row of the record as the seal sees it: which it is, when,
// and the digest of its canonical encoding. body is the encoding after
// the id, kept so that a row can be tried under another id (a reordering).
type Row struct {
	Kind      Kind
	ID        string
	OrgID     string
	CreatedAt int64
	Digest    [32]byte
	body      []byte
}

// EventRow is the sealed form of an event.
func EventRow(e models.Event) Row {
	var b enc
	r := Row{Kind: KindEvent, ID: e.ID, OrgID: e.OrgID, CreatedAt: int64(e.CreatedAt), body: eventBody(b, e)}
	r.Digest = r.digestAs(r.ID)
	return r
}

// DecisionRow is the sealed form of an access decision.
func DecisionRow(d models.AccessDecision) Row {
	var b enc
	r := Row{Kind: KindDecision, ID: d.ID, OrgID: d.OrgID, CreatedAt: int64(d.CreatedAt), body: decisionBody(b, d)}
	r.Digest = r.digestAs(r.ID)
	return r
}

func eventBody(b enc, e models.Event) enc {
	b.str(e.OrgID).str(e.ProjectID).str(e.ClusterID).str(e.ClusterName).str(string(e.Type)).
		str(string(e.ActorKind)).str(e.ActorID).str(e.ActorName).str(e.RemoteAddr).str(e.GrantID).
		str(string(e.GrantType)).i64(int64(e.ExpiresAt)).str(e.Detail).i64(int64(e.CreatedAt))
	return b
}

func decisionBody(b enc, d models.AccessDecision) enc {
	b.str(d.OrgID).str(d.ProjectID).str(d.ClusterID).str(d.ClusterName).str(d.StaffID).str(d.StaffEmail).
		str(d.CaseNumber).str(d.Justification).str(string(d.Scope)).flag(d.Allowed).str(string(d.ReasonCode)).
		str(d.Reason).flag(d.Blocked).str(d.GrantID).str(string(d.GrantType)).i64(int64(d.GrantExpiresAt)).
		str(d.Via).str(d.RemoteAddr).i64(int64(d.CreatedAt))
	return b
}

// Encoder makes rows for a seal, as EventRow and DecisionRow do, through
// one buffer and keeping only their digests: the sealer's way, which
// reads every row the console writes. A row it makes cannot be tried
// under another id (Verify reads rows made by EventRow and DecisionRow).
type Encoder struct{ buf enc }

// Event is the sealed form of an event, without its encoding.
func (x *Encoder) Event(e models.Event) Row {
	x.buf = eventBody(x.head(KindEvent, e.ID), e)
	return Row{Kind: KindEvent, ID: e.ID, OrgID: e.OrgID, CreatedAt: int64(e.CreatedAt), Digest: sha256.Sum256(x.buf)}
}

// Decision is the sealed form of a decision, without its encoding.
func (x *Encoder) Decision(d models.AccessDecision) Row {
	x.buf = decisionBody(x.head(KindDecision, d.ID), d)
	return Row{Kind: KindDecision, ID: d.ID, OrgID: d.OrgID, CreatedAt: int64(d.CreatedAt), Digest: sha256.Sum256(x.buf)}
}

func (x *Encoder) head(k Kind, id string) enc {
	b := append(x.buf[:0], Version, byte(k))
	b.str(id)
	return b
}

// Encoding is the row's canonical encoding.
func (r Row) Encoding() []byte {
	var b enc
	b = append(b, Version, byte(r.Kind))
	b.str(r.ID)
	return append(b, r.body...)
}

// digestAs is the digest the row's fields would have under id.
func (r Row) digestAs(id string) [32]byte {
	h := sha256.New()
	var head enc
	head = append(head, Version, byte(r.Kind))
	head.str(id)
	h.Write(head)
	h.Write(r.body)
	var d [32]byte
	h.Sum(d[:0])
	return d
}

// less is the canonical order of rows within a batch.
func less(a, b Row) int {
	switch {
	case a.CreatedAt != b.CreatedAt:
		if a.CreatedAt < b.CreatedAt {
			return -1
		}
		return 1
	case a.ID != b.ID:
		if a.ID < b.ID {
			return -1
		}
		return 1
	}
	return int(a.Kind) - int(b.Kind)
}

// enc appends fields in the canonical encoding.
type enc []byte

func (b *enc) str(s string) *enc {
	*b = binary.AppendUvarint(*b, uint64(len(s)))
	*b = append(*b, s...)
	return b
}

func (b *enc) i64(v int64) *enc {
	*b = binary.BigEndian.AppendUint64(*b, uint64(v))
	return b
}

func (b *enc) flag(v bool) *enc {
	if v {
		*b = append(*b, 1)
	} else {
		*b = append(*b, 0)
	}
	return b
}
