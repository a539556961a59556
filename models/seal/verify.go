package seal

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"iter"
	"slices"
)

// Problem is how the record differs from what was sealed.
type Problem string

// The problems a check finds.
const (
	Changed   Problem = "changed"   // a sealed row's fields differ
	Missing   Problem = "missing"   // a sealed row is gone
	Inserted  Problem = "inserted"  // a row no seal names sits in the sealed past
	Reordered Problem = "reordered" // two sealed rows traded places (their fields swapped)
	// Broken is a seal itself altered, missing or out of the chain, or
	// signed by a key that is not trusted.
	Broken Problem = "seal broken"
)

// Finding is the first place where the record does not match its seals.
type Finding struct {
	Problem Problem
	Batch   int64
	Kind    Kind   // of the row, when a row is named
	ID      string // the row, when one is named
	At      int64  // the row's created_at, or the batch's first
	Detail  string
}

// Batch is one seal and the rows a reader found for it, in any order: the
// rows its manifest names, and any other row that sits in its place. A
// pruned seal has none.
type Batch struct {
	Seal Seal
	Rows []Row
}

// Options says which keys are trusted: with any given, every signed seal
// must be signed by one of them, and a seal left unsigned after a signed
// one is broken.
type Options struct {
	Trusted []ed25519.PublicKey
}

// Report is the outcome of a check.
type Report struct {
	Batches int64 // seals checked
	Rows    int64 // rows checked against their seals
	From    int64 // the anchor's last instant when older rows were removed, else 0
	Through int64 // the newest sealed row's created_at
	// SignedFrom is the first batch from which every seal carries a valid
	// signature by a trusted key (0: none is signed).
	SignedFrom int64
	Finding    *Finding // nil when intact
}

// Intact reports whether the record matched every seal.
func (r Report) Intact() bool { return r.Finding == nil }

// Add records f unless an earlier finding is already kept: the report
// names the first place the record breaks.
func (r *Report) Add(f Finding) {
	if r.Finding == nil || f.Batch < r.Finding.Batch || (f.Batch == r.Finding.Batch && f.At < r.Finding.At) {
		r.Finding = &f
	}
}

// Verify checks an organization's seals in batch order and the rows found
// for each: the chain from the first seal (batch 1, or a pruned anchor),
// each header's hash and signature, and each row against the manifest and
// the rows hash. It reads every batch, so that the report names the first
// finding by position; an error from batches ends it.
func Verify(org string, batches iter.Seq2[Batch, error], o Options) (Report, error) {
	var r Report
	var prev *Seal
	signed := false
	for b, err := range batches {
		if err != nil {
			return r, err
		}
		s := b.Seal
		r.Batches++
		if f := chainFinding(org, prev, s); f != nil {
			r.Add(*f)
		}
		switch ok, f := signature(s, o); {
		case f != nil:
			r.Add(*f)
		case ok && !signed:
			signed, r.SignedFrom = true, s.Batch
		case !ok && signed && len(o.Trusted) > 0:
			r.Add(Finding{Problem: Broken, Batch: s.Batch, At: s.FirstAt, Detail: "this seal is not signed, though the ones before it were"})
		case !ok:
			signed, r.SignedFrom = false, 0
		}
		if s.Pruned {
			r.From = s.LastAt
		} else {
			r.Rows += int64(len(b.Rows))
			for _, f := range rowFindings(s, b.Rows) {
				r.Add(f)
			}
		}
		if s.Rows > 0 {
			r.Through = max(r.Through, s.LastAt)
		}
		prev = &s
	}
	return r, nil
}

// chainFinding checks that s follows prev and that its header is whole.
func chainFinding(org string, prev *Seal, s Seal) *Finding {
	f := &Finding{Problem: Broken, Batch: s.Batch, At: s.FirstAt}
	switch {
	case s.OrgID != org:
		f.Detail = "the seal belongs to another organization"
	case sha256.Sum256(s.Header()) != s.Hash:
		f.Detail = "the seal's header does not match its hash"
	case prev == nil && s.Batch != 1 && !s.Pruned:
		f.Detail = fmt.Sprintf("the seals before batch %d are missing", s.Batch)
	case prev != nil && s.Batch != prev.Batch+1:
		f.Detail = fmt.Sprintf("batch %d follows batch %d: the seals between are missing", s.Batch, prev.Batch)
	case prev != nil && s.Prev != prev.Hash:
		f.Detail = "the seal does not chain to the one before it"
	case prev != nil && s.Pruned && !prev.Pruned:
		f.Detail = "rows were removed after rows that were kept"
	default:
		return nil
	}
	return f
}

// signature reports whether s is validly signed by a trusted key, or a
// finding when it is signed by another key or the signature is wrong.
func signature(s Seal, o Options) (bool, *Finding) {
	if len(s.Signature) == 0 && len(s.PublicKey) == 0 {
		return false, nil
	}
	bad := &Finding{Problem: Broken, Batch: s.Batch, At: s.FirstAt}
	if len(s.PublicKey) != ed25519.PublicKeySize || !ed25519.Verify(s.PublicKey, s.Hash[:], s.Signature) {
		bad.Detail = "the seal's signature is not valid"
		return false, bad
	}
	if len(o.Trusted) > 0 && !slices.ContainsFunc(o.Trusted, func(k ed25519.PublicKey) bool { return bytes.Equal(k, s.PublicKey) }) {
		bad.Detail = "the seal is signed by a key that is not trusted"
		return false, bad
	}
	return true, nil
}

// rowFindings compares the rows found for an unpruned seal with its
// manifest and rows hash.
func rowFindings(s Seal, found []Row) []Finding {
	want, err := entries(s.Manifest)
	if err != nil || int64(len(want)) != s.Rows {
		return []Finding{{Problem: Broken, Batch: s.Batch, At: s.FirstAt, Detail: "the seal's manifest is malformed"}}
	}
	type key struct {
		kind Kind
		id   string
	}
	byKey := make(map[key]Row, len(found))
	for _, r := range found {
		byKey[key{r.Kind, r.ID}] = r
	}
	row := func(e entry) Row { return byKey[key{e.kind, e.id}] }
	var out []Finding
	var bad []int // manifest positions whose row differs
	named := make(map[key]bool, len(want))
	h := sha256.New()
	for i, e := range want {
		k := key{e.kind, e.id}
		named[k] = true
		r, ok := byKey[k]
		if !ok {
			out = append(out, Finding{Problem: Missing, Batch: s.Batch, Kind: e.kind, ID: e.id, At: s.FirstAt, Detail: "sealed but no longer in the database"})
			continue
		}
		h.Write(r.Digest[:])
		if !bytes.Equal(r.Digest[:8], e.short[:]) {
			bad = append(bad, i)
		}
		if r.CreatedAt < s.Floor {
			out = append(out, Finding{Problem: Inserted, Batch: s.Batch, Kind: e.kind, ID: e.id, At: r.CreatedAt, Detail: "dated before the record was sealed"})
		}
	}
	out = append(out, mismatches(s, want, bad, row)...)
	for k, r := range byKey {
		if !named[k] {
			out = append(out, Finding{Problem: Inserted, Batch: s.Batch, Kind: r.Kind, ID: r.ID, At: r.CreatedAt, Detail: "no seal names it"})
		}
	}
	var sum [32]byte
	if h.Sum(sum[:0]); len(out) == 0 && sum != s.RowsHash {
		out = append(out, Finding{Problem: Changed, Batch: s.Batch, At: s.FirstAt, Detail: "the batch's rows do not match its hash"})
	}
	return out
}

// mismatches names the rows at positions bad: reordered when two of them
// hold each other's fields, changed otherwise.
func mismatches(s Seal, want []entry, bad []int, row func(entry) Row) []Finding {
	var out []Finding
	swapped := map[int]int{}
	for _, i := range bad {
		for _, j := range bad {
			if i == j {
				continue
			}
			d := row(want[i]).digestAs(want[j].id)
			if want[i].kind == want[j].kind && bytes.Equal(d[:8], want[j].short[:]) {
				swapped[i] = j
			}
		}
	}
	for _, i := range bad {
		e, r := want[i], row(want[i])
		f := Finding{Problem: Changed, Batch: s.Batch, Kind: e.kind, ID: e.id, At: r.CreatedAt, Detail: "its fields differ from what was sealed"}
		if j, ok := swapped[i]; ok {
			f.Problem, f.Detail = Reordered, "it holds the fields sealed for "+want[j].kind.Label()+" "+want[j].id
			// A swap moves the times too: place it at the earlier.
			f.At = min(r.CreatedAt, row(want[j]).CreatedAt)
		}
		out = append(out, f)
	}
	return out
}
