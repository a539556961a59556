package seal

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"slices"
)

// Seal closes one batch of an organization's record. Hash is the SHA-256
// of its header (Header): the version, the organization, the batch
// number, the previous seal's Hash, the row count, the first and last
// created_at, the floor, the sealing instant, RowsHash (the SHA-256 of
// the rows' digests in canonical order) and the SHA-256 of the manifest.
// A seal whose rows were removed by retention is Pruned: its header still
// chains, and it is the anchor the rest of the record is checked from.
type Seal struct {
	OrgID    string
	Batch    int64 // from 1, one after another
	Prev     [32]byte
	Rows     int64
	FirstAt  int64
	LastAt   int64
	Floor    int64 // no row of the batch may be dated earlier: see Build
	SealedAt int64
	RowsHash [32]byte
	// Manifest names each row in canonical order with the first 8 bytes
	// of its digest (entries), so that a check names the first row that
	// differs rather than only the batch.
	Manifest []byte
	// ManifestSum is the SHA-256 of Manifest, which an export gives
	// instead of the manifest of a batch it carries none of the rows of;
	// zero otherwise (Header then hashes Manifest).
	ManifestSum [32]byte
	// Digests are the rows' digests in canonical order, 32 bytes each:
	// not part of the header (RowsHash is their hash), kept so that an
	// export can give those of the rows its filter leaves out.
	Digests []byte
	Hash    [32]byte
	// PublicKey and Signature are the Ed25519 key that signed Hash and the
	// signature; both empty when the seal is not signed.
	PublicKey []byte
	Signature []byte
	Pruned    bool
}

// Build seals rows (in any order) as batch number batch of org, after
// the seal whose Hash is prev (zero for the first). floor is the instant
// before which no row of the batch may be dated: the sealer sets it to
// the time of its last complete pass less a grace, so that a row written
// later but dated into the sealed past shows as inserted. A non-nil key
// signs the seal.
func Build(org string, batch int64, prev [32]byte, floor, sealedAt int64, rows []Row, key ed25519.PrivateKey) Seal {
	rows = slices.SortedFunc(slices.Values(rows), less)
	s := Seal{OrgID: org, Batch: batch, Prev: prev, Rows: int64(len(rows)), Floor: floor, SealedAt: sealedAt}
	if len(rows) > 0 {
		s.FirstAt, s.LastAt = rows[0].CreatedAt, rows[len(rows)-1].CreatedAt
	}
	s.RowsHash, s.Manifest, s.Digests = digests(rows)
	s.Hash = sha256.Sum256(s.Header())
	if key != nil {
		s.PublicKey = key.Public().(ed25519.PublicKey)
		s.Signature = ed25519.Sign(key, s.Hash[:])
	}
	return s
}

// digests is the hash over rows' digests, their manifest, and the
// digests one after another.
func digests(rows []Row) ([32]byte, []byte, []byte) {
	m := make([]byte, 0, len(rows)*entrySize)
	all := make([]byte, 0, len(rows)*32)
	for _, r := range rows {
		all = append(all, r.Digest[:]...)
		m = appendEntry(m, r)
	}
	return sha256.Sum256(all), m, all
}

// Header is the encoding of the seal that Hash is the SHA-256 of.
func (s Seal) Header() []byte {
	var b enc
	b = append(b, Version, 'S')
	b.str(s.OrgID).i64(s.Batch)
	b = append(b, s.Prev[:]...)
	b.i64(s.Rows).i64(s.FirstAt).i64(s.LastAt).i64(s.Floor).i64(s.SealedAt)
	b = append(b, s.RowsHash[:]...)
	m := s.ManifestSum
	if s.Manifest != nil || m == ([32]byte{}) {
		m = sha256.Sum256(s.Manifest)
	}
	return append(b, m[:]...)
}

// HashHex is Hash in hexadecimal, as messages and exports show it.
func (s Seal) HashHex() string { return hex.EncodeToString(s.Hash[:]) }

// A manifest entry is the row's kind, its id as 12 bytes (the 24
// hexadecimal digits of models.NewID), and the first 8 bytes of its
// digest: 21 bytes a row. An id of another shape is kept whole: the kind
// with its high bit set, the id's length as a varint, then its bytes.
const entrySize = 1 + 12 + 8

// entry is one row of a manifest.
type entry struct {
	kind  Kind
	id    string
	short [8]byte
}

func appendEntry(m []byte, r Row) []byte {
	if raw, err := hex.DecodeString(r.ID); err == nil && len(raw) == 12 && hex.EncodeToString(raw) == r.ID {
		m = append(m, byte(r.Kind))
		m = append(m, raw...)
	} else {
		m = append(m, byte(r.Kind)|0x80)
		m = binary.AppendUvarint(m, uint64(len(r.ID)))
		m = append(m, r.ID...)
	}
	return append(m, r.Digest[:8]...)
}

var errManifest = errors.New("seal: malformed manifest")

// entries decodes a manifest.
func entries(m []byte) ([]entry, error) {
	out := make([]entry, 0, len(m)/entrySize)
	for len(m) > 0 {
		var e entry
		e.kind = Kind(m[0] &^ 0x80)
		if m[0]&0x80 == 0 {
			if len(m) < entrySize {
				return nil, errManifest
			}
			e.id = hex.EncodeToString(m[1:13])
			m = m[13:]
		} else {
			n, k := binary.Uvarint(m[1:])
			if k <= 0 || uint64(len(m)-1-k) < n+8 {
				return nil, errManifest
			}
			e.id = string(m[1+k : 1+k+int(n)])
			m = m[1+k+int(n):]
		}
		if len(m) < 8 {
			return nil, errManifest
		}
		copy(e.short[:], m[:8])
		m = m[8:]
		out = append(out, e)
	}
	return out, nil
}

// IDs lists the rows a seal names, in canonical order, by kind: what a
// reader fetches to check the batch.
func (s Seal) IDs() (events, decisions []string, err error) {
	es, err := entries(s.Manifest)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range es {
		if e.kind == KindDecision {
			decisions = append(decisions, e.id)
		} else {
			events = append(events, e.id)
		}
	}
	return events, decisions, nil
}

// Positions maps the rows of kind k that s names to their places in its
// manifest (canonical order): what an export looks its rows up in.
func (s Seal) Positions(k Kind) (map[string]int32, error) {
	es, err := entries(s.Manifest)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int32, len(es))
	for i, e := range es {
		if e.kind == k {
			out[e.id] = int32(i)
		}
	}
	return out, nil
}

// LeftOut is what an export gives of the rows of s at the places of its
// manifest not taken: their digests, in canonical order. They come from
// s.Digests or, for a seal that keeps none (one written before seals
// kept them), from digest, by the row's kind and id. A row of kind gone
// gets none (0: no kind): an export that selects every row of its kind
// in the batch's time says so of a row it did not find, which the check
// then reports as missing, as it does a row digest does not find.
func (s Seal) LeftOut(taken []bool, gone Kind, digest func(Kind, string) ([32]byte, bool)) ([]byte, error) {
	es, err := entries(s.Manifest)
	if err != nil {
		return nil, err
	}
	kept := len(s.Digests) == 32*len(es)
	out := make([]byte, 0, 32*(len(es)-countTrue(taken)))
	for i, e := range es {
		switch {
		case i < len(taken) && taken[i], e.kind == gone:
		case kept:
			out = append(out, s.Digests[32*i:32*i+32]...)
		default:
			if d, ok := digest(e.kind, e.id); ok {
				out = append(out, d[:]...)
			}
		}
	}
	return out, nil
}

func countTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}
