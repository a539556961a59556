package seal

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"slices"
)

// ExportBatch is one seal an export carries, with the exported rows that
// name it and the digests of the batch's rows the export leaves out.
type ExportBatch struct {
	// Seal has its Manifest, or, for a batch none of whose rows is in
	// the export, only its ManifestSum: the export then proves the batch
	// is there and how many rows it left out, not which.
	Seal Seal
	Rows []Row // in any order
	// LeftOut are the digests of the rows of the batch that the export
	// does not carry, 32 bytes each, in canonical order.
	LeftOut []byte
}

// ExportReport is what a check of an export found.
type ExportReport struct {
	Report
	LeftOut  int64 // rows of the batches in the file that the export's filter left out
	Unsealed int64 // exported rows that no seal named when the export was made
	Unsigned int64 // seals without a signature
	// Keys are the keys that signed seals in the file. Without trusted
	// keys given, a key is only what the file says: the customer compares
	// it with the one Organization Settings shows.
	Keys []ed25519.PublicKey
}

// Summary says in one line what the check found.
func (r ExportReport) Summary() string {
	if r.Finding != nil {
		return r.Report.Summary()
	}
	return fmt.Sprintf("intact: %d rows in %d sealed batches, %d rows left out by the filter, %d rows not yet sealed",
		r.Rows, r.Batches, r.LeftOut, r.Unsealed)
}

// ExportCheck checks an export offline: each seal as it comes (Batch), in
// any order, and at the end (Finish) the chain between them and the rows
// that no seal in the file covers.
type ExportCheck struct {
	o        Options
	org      string
	r        ExportReport
	heads    []Seal // headers only, for the chain
	maxFloor int64
	oldest   *Row // the oldest row marked not yet sealed
}

// NewExportCheck starts a check. With trusted keys in o every seal must
// be signed by one of them; without, a seal's signature is checked
// against the key it carries.
func NewExportCheck(o Options) *ExportCheck { return &ExportCheck{o: o} }

// Batch checks one seal and its rows.
func (c *ExportCheck) Batch(b ExportBatch) {
	s := b.Seal
	c.r.Batches++
	if c.org == "" {
		c.org = s.OrgID
	}
	broken := Finding{Problem: Broken, Batch: s.Batch, At: s.FirstAt}
	switch {
	case s.OrgID != c.org:
		broken.Detail = "the seal belongs to another organization than the seals before it"
		c.r.Add(broken)
	case sha256.Sum256(s.Header()) != s.Hash:
		broken.Detail = "the seal's header does not match its hash"
		c.r.Add(broken)
	}
	c.sign(s)
	c.heads = append(c.heads, Seal{Batch: s.Batch, Prev: s.Prev, Hash: s.Hash, FirstAt: s.FirstAt})
	c.maxFloor = max(c.maxFloor, s.Floor)
	c.r.Through = max(c.r.Through, s.LastAt)
	if s.Manifest == nil {
		for _, r := range b.Rows {
			c.r.Add(Finding{Problem: Inserted, Batch: s.Batch, Kind: r.Kind, ID: r.ID, At: r.CreatedAt,
				Detail: "the export says its batch carries none of the rows it exports"})
		}
		c.r.LeftOut += s.Rows
		return
	}
	rows, f := withLeftOut(s, b.Rows, b.LeftOut)
	if f != nil {
		c.r.Add(*f)
	}
	for _, f := range rowFindings(s, rows) {
		if f.Problem == Missing {
			f.Detail = "sealed in this batch, but neither in the export nor among the rows it left out"
		}
		c.r.Add(f)
	}
	c.r.Rows += int64(len(b.Rows))
	c.r.LeftOut += max(0, s.Rows-int64(len(b.Rows)))
}

// sign checks s's signature under the check's options.
func (c *ExportCheck) sign(s Seal) {
	ok, f := signature(s, c.o)
	switch {
	case f != nil:
		c.r.Add(*f)
	case !ok && len(c.o.Trusted) > 0:
		c.r.Add(Finding{Problem: Broken, Batch: s.Batch, At: s.FirstAt, Detail: "the seal is not signed, and a public key was given"})
	case !ok:
		c.r.Unsigned++
	case !slices.ContainsFunc(c.r.Keys, func(k ed25519.PublicKey) bool { return bytes.Equal(k, s.PublicKey) }):
		c.r.Keys = append(c.r.Keys, s.PublicKey)
	}
	if ok && (c.r.SignedFrom == 0 || s.Batch < c.r.SignedFrom) {
		c.r.SignedFrom = s.Batch
	}
}

// withLeftOut is the batch's rows as the check compares them with the
// manifest: the exported ones, and in each place of the manifest that no
// exported row fills, the next left-out digest if it is the one the
// manifest names there. A place that neither fills is a missing row.
func withLeftOut(s Seal, exported []Row, left []byte) ([]Row, *Finding) {
	want, err := entries(s.Manifest)
	if err != nil {
		return exported, nil // rowFindings reports the manifest
	}
	type key struct {
		kind Kind
		id   string
	}
	in := make(map[key]bool, len(exported))
	for _, r := range exported {
		in[key{r.Kind, r.ID}] = true
	}
	rows := slices.Clip(exported)
	for _, e := range want {
		if in[key{e.kind, e.id}] || len(left) < 32 || !bytes.Equal(left[:8], e.short[:]) {
			continue
		}
		r := Row{Kind: e.kind, ID: e.id, CreatedAt: s.LastAt}
		copy(r.Digest[:], left[:32])
		rows, left = append(rows, r), left[32:]
	}
	if len(left) > 0 {
		return rows, &Finding{Problem: Broken, Batch: s.Batch, At: s.FirstAt,
			Detail: fmt.Sprintf("the export lists %d left-out rows the seal does not name", (len(left)+31)/32)}
	}
	return rows, nil
}

// Unsealed counts an exported row that no seal named when the export was
// made.
func (c *ExportCheck) Unsealed(r Row) {
	c.r.Unsealed++
	if c.oldest == nil || r.CreatedAt < c.oldest.CreatedAt {
		c.oldest = &r
	}
}

// Stray reports an exported row that names a batch whose seal is not in
// the file.
func (c *ExportCheck) Stray(r Row, batch int64) {
	c.r.Add(Finding{Problem: Inserted, Batch: batch, Kind: r.Kind, ID: r.ID, At: r.CreatedAt,
		Detail: fmt.Sprintf("it names batch %d, whose seal is not in the export", batch)})
}

// Finish checks the chain between the seals of the file, in batch order,
// and that no row marked not yet sealed is dated where the record was
// already sealed, and returns the report.
func (c *ExportCheck) Finish() ExportReport {
	slices.SortFunc(c.heads, func(a, b Seal) int { return int(a.Batch - b.Batch) })
	for i := 1; i < len(c.heads); i++ {
		p, s := c.heads[i-1], c.heads[i]
		f := Finding{Problem: Broken, Batch: s.Batch, At: s.FirstAt}
		switch {
		case s.Batch == p.Batch:
			f.Detail = "the export carries this seal twice"
		case s.Batch != p.Batch+1:
			f.Detail = fmt.Sprintf("batch %d follows batch %d: the seals between are not in the export", s.Batch, p.Batch)
		case s.Prev != p.Hash:
			f.Detail = "the seal does not chain to the one before it"
		default:
			continue
		}
		c.r.Add(f)
	}
	if r := c.oldest; r != nil && r.CreatedAt < c.maxFloor {
		next := int64(1)
		if n := len(c.heads); n > 0 {
			next = c.heads[n-1].Batch + 1
		}
		c.r.Add(Finding{Problem: Inserted, Batch: next, Kind: r.Kind, ID: r.ID, At: r.CreatedAt,
			Detail: "marked not yet sealed, but dated before the record was sealed"})
	}
	return c.r
}
