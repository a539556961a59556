package seal

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"iter"
	"testing"

	"supportaccess/models"
)

func event(id string, at int64) models.Event {
	return models.Event{ID: id, OrgID: "org", ProjectID: "p", ClusterName: "c", Type: "GRANT", ActorKind: "USER",
		ActorName: "ann@example.com", RemoteAddr: "192.0.2.1", CreatedAt: models.Instant(at)}
}

func decision(id string, at int64) models.AccessDecision {
	return models.AccessDecision{ID: id, OrgID: "org", ProjectID: "p", ClusterName: "c", StaffEmail: "s@example.com",
		CaseNumber: "42", Scope: "INFRASTRUCTURE", Allowed: true, ReasonCode: "GRANT", CreatedAt: models.Instant(at)}
}

func TestEncodingIsVersionedKindedAndLengthPrefixed(t *testing.T) {
	e := models.Event{ID: "ab", OrgID: "o", CreatedAt: 1}
	got := hex.EncodeToString(EventRow(e).Encoding())
	// version 1, 'E', "ab", "o", ten empty texts up to expires_at,
	// expires_at 0, detail "", created_at 1.
	want := "01" + "45" + "026162" + "016f" + "00000000000000000000" + "0000000000000000" + "00" + "0000000000000001"
	if got != want {
		t.Fatalf("encoding\n got %s\nwant %s", got, want)
	}
}

// Every field a customer sees is in the digest: changing any one changes it.
func TestEveryFieldIsSealed(t *testing.T) {
	base := DecisionRow(decision("d1", 5)).Digest
	for name, change := range map[string]func(*models.AccessDecision){
		"org": func(d *models.AccessDecision) { d.OrgID = "x" }, "project": func(d *models.AccessDecision) { d.ProjectID = "x" },
		"cluster id": func(d *models.AccessDecision) { d.ClusterID = "x" }, "cluster": func(d *models.AccessDecision) { d.ClusterName = "x" },
		"staff id": func(d *models.AccessDecision) { d.StaffID = "x" }, "staff": func(d *models.AccessDecision) { d.StaffEmail = "x" },
		"case": func(d *models.AccessDecision) { d.CaseNumber = "x" }, "justification": func(d *models.AccessDecision) { d.Justification = "x" },
		"scope": func(d *models.AccessDecision) { d.Scope = "x" }, "allowed": func(d *models.AccessDecision) { d.Allowed = false },
		"reason code": func(d *models.AccessDecision) { d.ReasonCode = "x" }, "reason": func(d *models.AccessDecision) { d.Reason = "x" },
		"blocked": func(d *models.AccessDecision) { d.Blocked = true }, "grant": func(d *models.AccessDecision) { d.GrantID = "x" },
		"grant type": func(d *models.AccessDecision) { d.GrantType = "x" }, "grant expiry": func(d *models.AccessDecision) { d.GrantExpiresAt = 9 },
		"via": func(d *models.AccessDecision) { d.Via = "x" }, "address": func(d *models.AccessDecision) { d.RemoteAddr = "x" },
		"time": func(d *models.AccessDecision) { d.CreatedAt = 6 }, "id": func(d *models.AccessDecision) { d.ID = "d2" },
		// Length prefixes keep a byte from moving between neighbours.
		"shifted": func(d *models.AccessDecision) { d.CaseNumber, d.Justification = "4", "2" },
	} {
		d := decision("d1", 5)
		change(&d)
		if DecisionRow(d).Digest == base {
			t.Errorf("changing the %s leaves the digest as it was", name)
		}
	}
	if EventRow(event("d1", 5)).Digest == DecisionRow(decision("d1", 5)).Digest {
		t.Error("an event and a decision share a digest")
	}
}

const id1, id2, id3, id4 = "5f0000000000000000000001", "5f0000000000000000000002", "5f0000000000000000000003", "5f0000000000000000000004"

// chain seals two batches: two events and a decision, then one decision.
func chain(key ed25519.PrivateKey) []Batch {
	b1 := []Row{EventRow(event(id1, 10)), DecisionRow(decision(id2, 20)), EventRow(event(id3, 30))}
	b2 := []Row{DecisionRow(decision(id4, 40))}
	s1 := Build("org", 1, [32]byte{}, 0, 35, b1, key)
	s2 := Build("org", 2, s1.Hash, 0, 45, b2, key)
	return []Batch{{s1, b1}, {s2, b2}}
}

func all(bs []Batch) iter.Seq2[Batch, error] {
	return func(yield func(Batch, error) bool) {
		for _, b := range bs {
			if !yield(b, nil) {
				return
			}
		}
	}
}

func TestVerifyFindsEachTampering(t *testing.T) {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{8}, 32))
	trusted := Options{Trusted: []ed25519.PublicKey{key.Public().(ed25519.PublicKey)}}
	for _, tc := range []struct {
		name   string
		tamper func([]Batch) []Batch
		opts   Options
		want   Problem
		id     string
	}{
		{"intact", func(b []Batch) []Batch { return b }, trusted, "", ""},
		{"changed", func(b []Batch) []Batch {
			e := event(id3, 30)
			e.Detail = "nothing to see"
			b[0].Rows[2] = EventRow(e)
			return b
		}, Options{}, Changed, id3},
		{"missing", func(b []Batch) []Batch { b[0].Rows = b[0].Rows[:2]; return b }, Options{}, Missing, id3},
		{"inserted", func(b []Batch) []Batch {
			b[1].Rows = append(b[1].Rows, EventRow(event("5f0000000000000000000009", 41)))
			return b
		}, Options{}, Inserted, "5f0000000000000000000009"},
		{"backdated", func(b []Batch) []Batch {
			b[1].Seal = Build("org", 2, b[0].Seal.Hash, 35, 45, b[1].Rows, nil)
			d := decision(id4, 33)
			b[1].Rows = []Row{DecisionRow(d)}
			b[1].Seal = Build("org", 2, b[0].Seal.Hash, 35, 45, b[1].Rows, nil)
			return b
		}, Options{}, Inserted, id4},
		{"reordered", func(b []Batch) []Batch {
			x, y := event(id1, 10), event(id3, 30)
			x.ID, y.ID = id3, id1
			b[0].Rows[0], b[0].Rows[2] = EventRow(y), EventRow(x)
			return b
		}, Options{}, Reordered, id1},
		{"seal altered", func(b []Batch) []Batch { b[0].Seal.LastAt++; return b }, Options{}, Broken, ""},
		{"seal missing", func(b []Batch) []Batch { return b[1:] }, Options{}, Broken, ""},
		{"chain rewritten by another key", func(b []Batch) []Batch { return chain(other) }, trusted, Broken, ""},
		{"unsigned seal after signed ones", func(b []Batch) []Batch {
			b[1].Seal = Build("org", 2, b[0].Seal.Hash, 0, 45, b[1].Rows, nil)
			return b
		}, trusted, Broken, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Verify("org", all(tc.tamper(chain(key))), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.want == "" && !r.Intact():
				t.Fatalf("intact record reported as %+v", *r.Finding)
			case tc.want == "":
				if r.Through != 40 || r.Rows != 4 || r.SignedFrom != 1 {
					t.Fatalf("report %+v", r)
				}
			case r.Intact():
				t.Fatalf("tampering not found: %+v", r)
			case r.Finding.Problem != tc.want || (tc.id != "" && r.Finding.ID != tc.id):
				t.Fatalf("found %+v, want %s of %s", *r.Finding, tc.want, tc.id)
			}
		})
	}
}

func TestAPrunedAnchorStartsTheRecord(t *testing.T) {
	b := chain(nil)
	b[0].Seal.Pruned, b[0].Rows = true, nil
	r, err := Verify("org", all(b), Options{})
	if err != nil || !r.Intact() || r.From != 30 || r.Rows != 1 {
		t.Fatalf("report %+v, %v", r, err)
	}
	// The anchor alone, its older seals deleted, still starts the record.
	r, err = Verify("org", all(b[1:]), Options{})
	if err != nil || r.Intact() {
		t.Fatalf("an unanchored later batch passed: %+v, %v", r, err)
	}
}

func TestManifestRoundTripsOtherIDs(t *testing.T) {
	rows := []Row{EventRow(event("not-hex", 1)), EventRow(event(id1, 2))}
	s := Build("org", 1, [32]byte{}, 0, 3, rows, nil)
	ev, dec, err := s.IDs()
	if err != nil || len(dec) != 0 || len(ev) != 2 || ev[0] != "not-hex" || ev[1] != id1 {
		t.Fatalf("ids %v %v %v", ev, dec, err)
	}
	if len(s.Manifest) != entrySize+1+1+7+8 {
		t.Fatalf("manifest of %d bytes", len(s.Manifest))
	}
}

// The sealer's Encoder gives the digests EventRow and DecisionRow give,
// row after row through its one buffer.
func TestEncoderDigestsAsRowsDo(t *testing.T) {
	var x Encoder
	for i := range 3 {
		e, d := event(id1, int64(i)), decision(id2, int64(i))
		d.Justification = string(bytes.Repeat([]byte("j"), 100*i))
		if x.Event(e).Digest != EventRow(e).Digest || x.Decision(d).Digest != DecisionRow(d).Digest {
			t.Fatalf("row %d: the encoder's digest differs", i)
		}
	}
}
