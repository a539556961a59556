package logexport

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"supportaccess/models"
	"supportaccess/models/seal"
)

// SealRecord is a seal as an export writes it: its header's fields (the
// instants in Unix nanoseconds, as the header hashes them), its
// signature, and the digests of the batch's rows that the export leaves
// out. A batch none of whose rows is in the export comes with the hash of
// its manifest instead of the manifest, and no digests.
type SealRecord struct {
	OrgID        string `json:"orgId"`
	Batch        int64  `json:"batch"`
	PrevHash     string `json:"prevHash"` // hex
	Rows         int64  `json:"rows"`
	FirstAt      int64  `json:"firstAt"`
	LastAt       int64  `json:"lastAt"`
	Floor        int64  `json:"floor"`
	SealedAt     int64  `json:"sealedAt"`
	RowsHash     string `json:"rowsHash"`               // hex
	Manifest     string `json:"manifest,omitempty"`     // base64
	ManifestHash string `json:"manifestHash,omitempty"` // hex, without a manifest
	Hash         string `json:"hash"`                   // hex
	PublicKey    string `json:"publicKey,omitempty"`    // base64, as Organization Settings shows it
	Signature    string `json:"signature,omitempty"`    // base64
	LeftOut      string `json:"leftOut,omitempty"`      // base64 of 32-byte digests, in canonical order
}

// sealLine and endLine are the JSON Lines forms of a seal and of the end.
type sealLine struct {
	Seal *SealRecord `json:"seal"`
}

type endLine struct {
	End *endRecord `json:"end"`
}

// endRecord closes an export: how many rows and seals it holds.
type endRecord struct {
	Rows  int `json:"rows"`
	Seals int `json:"seals"`
}

var b64 = base64.StdEncoding.Strict()

// NewSealRecord is b as an export writes it.
func NewSealRecord(b seal.ExportBatch) SealRecord {
	s := b.Seal
	r := SealRecord{OrgID: s.OrgID, Batch: s.Batch, PrevHash: hex.EncodeToString(s.Prev[:]), Rows: s.Rows, FirstAt: s.FirstAt,
		LastAt: s.LastAt, Floor: s.Floor, SealedAt: s.SealedAt, RowsHash: hex.EncodeToString(s.RowsHash[:]), Hash: s.HashHex(),
		PublicKey: b64.EncodeToString(s.PublicKey), Signature: b64.EncodeToString(s.Signature), LeftOut: b64.EncodeToString(b.LeftOut)}
	if s.Manifest != nil {
		r.Manifest = b64.EncodeToString(s.Manifest)
	} else {
		r.ManifestHash = hex.EncodeToString(s.ManifestSum[:])
	}
	return r
}

// sealHeader starts a CSV export's trailer and names the cells of each
// seal row after it.
var sealHeader = []string{"#seals", "orgId", "batch", "prevHash", "rows", "firstAt", "lastAt", "floor", "sealedAt",
	"rowsHash", "manifest", "manifestHash", "hash", "publicKey", "signature", "leftOut"}

// cells are the seal's row in a CSV trailer, in sealHeader's order.
func (r SealRecord) cells() []string {
	i := strconv.FormatInt
	out := []string{"#seal", r.OrgID, i(r.Batch, 10), r.PrevHash, i(r.Rows, 10), i(r.FirstAt, 10), i(r.LastAt, 10),
		i(r.Floor, 10), i(r.SealedAt, 10), r.RowsHash, r.Manifest, r.ManifestHash, r.Hash, r.PublicKey, r.Signature, r.LeftOut}
	for k, v := range out {
		out[k] = cell(v)
	}
	return out
}

// sealRecordOf reads a seal row of a CSV trailer.
func sealRecordOf(c []string) (SealRecord, error) {
	if len(c) != len(sealHeader) || c[0] != "#seal" {
		return SealRecord{}, errors.New("a seal row has the cells the #seals row names")
	}
	var r SealRecord
	var err error
	num := func(s string) int64 {
		n, e := strconv.ParseInt(s, 10, 64)
		err = errors.Join(err, e)
		return n
	}
	r = SealRecord{OrgID: c[1], Batch: num(c[2]), PrevHash: c[3], Rows: num(c[4]), FirstAt: num(c[5]), LastAt: num(c[6]),
		Floor: num(c[7]), SealedAt: num(c[8]), RowsHash: c[9], Manifest: c[10], ManifestHash: c[11], Hash: c[12],
		PublicKey: c[13], Signature: c[14], LeftOut: c[15]}
	if err != nil {
		return r, errors.New("a seal's batch, rows and instants are integers")
	}
	return r, nil
}

// batch is the seal the record gives, as the check reads it.
func (r SealRecord) batch() (seal.ExportBatch, error) {
	s := seal.Seal{OrgID: r.OrgID, Batch: r.Batch, Rows: r.Rows, FirstAt: r.FirstAt, LastAt: r.LastAt, Floor: r.Floor, SealedAt: r.SealedAt}
	var b seal.ExportBatch
	var err error
	hash := func(name, v string, out *[32]byte) {
		d, e := hex.DecodeString(v)
		if e != nil || len(d) != 32 {
			err = errors.Join(err, fmt.Errorf("%s is 64 hexadecimal digits", name))
		}
		copy(out[:], d)
	}
	raw := func(name, v string) []byte {
		d, e := b64.DecodeString(v)
		if e != nil {
			err = errors.Join(err, fmt.Errorf("%s is base64", name))
		}
		return d
	}
	hash("prevHash", r.PrevHash, &s.Prev)
	hash("rowsHash", r.RowsHash, &s.RowsHash)
	hash("hash", r.Hash, &s.Hash)
	if r.Manifest != "" || r.ManifestHash == "" {
		s.Manifest = raw("manifest", r.Manifest)
		if s.Manifest == nil {
			s.Manifest = []byte{}
		}
	} else {
		hash("manifestHash", r.ManifestHash, &s.ManifestSum)
	}
	if r.PublicKey != "" || r.Signature != "" {
		s.PublicKey, s.Signature = raw("publicKey", r.PublicKey), raw("signature", r.Signature)
	}
	b.LeftOut = raw("leftOut", r.LeftOut)
	if len(b.LeftOut)%32 != 0 {
		err = errors.Join(err, errors.New("leftOut holds whole 32-byte digests"))
	}
	b.Seal = s
	if err != nil {
		return b, fmt.Errorf("seal of batch %d: %w", r.Batch, err)
	}
	return b, nil
}

// endCells are the CSV form of the end record.
func endCells(rows, seals int) []string {
	return []string{"#end", strconv.Itoa(rows), strconv.Itoa(seals)}
}

// exactLayout writes an export's instants to the nanosecond: the seal
// covers them so, and the check reads them back.
const exactLayout = "2006-01-02T15:04:05.000000000Z"

// exact is an instant as an export writes it, empty for none.
func exact(i models.Instant) string {
	if i.IsZero() {
		return ""
	}
	return i.Time().UTC().Format(exactLayout)
}

// unexact reads an instant exact wrote.
func unexact(name, v string) (models.Instant, error) {
	if v == "" {
		return 0, nil
	}
	t, err := time.Parse(exactLayout, v)
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not a time as exports write them (%s)", name, v, exactLayout)
	}
	return models.At(t), nil
}

// sealBatch is a row's sealBatch field: the batch, or "unsealed".
func sealBatch(b int64) string {
	if b == 0 {
		return "unsealed"
	}
	return strconv.FormatInt(b, 10)
}
