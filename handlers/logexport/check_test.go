package logexport_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/handlers/logexport"
	"supportaccess/models"
	"supportaccess/models/seal"
	"supportaccess/models/store"
)

// sealedLog gives the fixture's organization two sealed batches of
// decisions and of the events of making API keys (or more, when a round
// on PostgreSQL sealed only part of what had committed), and five
// decisions not sealed yet, and returns the record's check.
func sealedLog(t *testing.T, f *handlertest.APIFixture, key ed25519.PrivateKey) store.RecordCheck {
	t.Helper()
	ctx := context.Background()
	f.Key(f.Org.ID, models.OrgOwner)
	now := f.Store.Now()
	if err := f.Store.SeedDecisions(ctx, f.Org.ID, 40, now.Add(-2*time.Hour), now, nil); err != nil {
		t.Fatal(err)
	}
	sealAll(t, f, key)
	f.Advance(time.Hour)
	now = f.Store.Now()
	// Dated after the last round, as the console's own rows are: a row
	// dated before that round's floor would rightly read as inserted.
	if err := f.Store.SeedDecisions(ctx, f.Org.ID, 40, now.Add(-9*time.Minute), now.Add(-5*time.Minute), nil); err != nil {
		t.Fatal(err)
	}
	f.Key(f.Org.ID, models.OrgReadOnly)
	sealAll(t, f, key)
	if err := f.Store.SeedDecisions(ctx, f.Org.ID, 5, now.Add(-time.Minute), now, nil); err != nil {
		t.Fatal(err)
	}
	c, err := f.Store.VerifyRecord(ctx, models.Operator(f.Org.ID), f.Org.ID, seal.Options{})
	if err != nil || !c.Intact() || c.Batches < 2 || c.Unsealed != 5 {
		t.Fatalf("the record itself: %s, %d batches, %d unsealed, %v", c.Summary(), c.Batches, c.Unsealed, err)
	}
	return c
}

// coversRecord checks that an export's sealed and left-out rows are those
// of the record's batches: all of them when it carries every batch (an
// export gives the batches from the first to the last that hold a row of
// its kind).
func coversRecord(r seal.ExportReport, rec store.RecordCheck) bool {
	if r.Batches == rec.Batches {
		return r.Rows+r.LeftOut == rec.Rows
	}
	return r.Batches < rec.Batches && r.Rows+r.LeftOut < rec.Rows
}

// sealAll seals until every row is sealed. On PostgreSQL a round seals
// only what committed before every transaction still open on the server,
// and the tests of other packages share it.
func sealAll(t *testing.T, f *handlertest.APIFixture, key ed25519.PrivateKey) {
	t.Helper()
	ctx := context.Background()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := f.Store.SealRecord(ctx, key); err != nil {
			t.Fatal(err)
		}
		c, err := f.Store.VerifyRecord(ctx, models.Operator(f.Org.ID), f.Org.ID, seal.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if c.Unsealed == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d rows still not sealed", c.Unsealed)
		}
	}
}

// apiExport downloads the Support Access Log's export with query.
func apiExport(t *testing.T, f *handlertest.APIFixture, query string) []byte {
	t.Helper()
	c := handlertest.DigestClient(f.Key(f.Org.ID, models.OrgOwner))
	path := "/api/atlas/v2/orgs/" + f.Org.ID + "/supportAccessLog:export?" + query
	status, b, _ := f.Call(c, http.MethodGet, path, "", "Accept", "application/vnd.atlas.2026-12-01+json")
	if status != http.StatusOK {
		t.Fatalf("%s: %d %.300s", query, status, b)
	}
	return b
}

// eventExport is the activity feed's export, as the console streams it.
func eventExport(t *testing.T, f *handlertest.APIFixture, format string) []byte {
	t.Helper()
	each, err := f.Store.EventExport(context.Background(), models.Operator(f.Org.ID), models.EventFilter{OrgID: f.Org.ID})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	w, err := logexport.Events(rec, format, "activity")
	if err == nil {
		err = each(w)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return rec.Body.Bytes()
}

func check(t *testing.T, b []byte, o seal.Options) seal.ExportReport {
	t.Helper()
	r, err := logexport.Check(bytes.NewReader(b), o)
	if err != nil {
		t.Fatalf("check: %v\n%.600s", err, b)
	}
	return r
}

// TestExportsVerifyOffline: an export of either log, CSV or JSON Lines,
// filtered or not, signed or not, checks intact with no database, and
// says how many rows the filter left out of the batches it holds and how
// many are not sealed yet; a key other than the signer's fails it.
func TestExportsVerifyOffline(t *testing.T) {
	handlertest.EachBackend(t, func(t *testing.T, f *handlertest.APIFixture) {
		key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, 32))
		for _, signed := range []bool{false, true} {
			var o seal.Options
			var k ed25519.PrivateKey
			if signed {
				k, o.Trusted = key, []ed25519.PublicKey{key.Public().(ed25519.PublicKey)}
			}
			if signed {
				// A second organization's log, signed this time, later
				// than the last round (the floor is the sealer's, not an
				// organization's).
				f.Org = f.Other
				f.Advance(3 * time.Hour)
				p, err := f.Store.CreateProject(context.Background(), f.Org.ID, "Ledger")
				if err == nil {
					_, err = f.Store.CreateCluster(context.Background(), p.ID, "books", false)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			rec := sealedLog(t, f, k)
			for _, format := range []string{logexport.CSV, logexport.JSONL} {
				all := check(t, apiExport(t, f, "format="+format), o)
				if !all.Intact() || all.Batches < 2 || all.Unsealed != 5 || all.Rows < 80 || !coversRecord(all, rec) {
					t.Fatalf("%s signed %v, all: %s (%d batches)", format, signed, all.Summary(), all.Batches)
				}
				denied := check(t, apiExport(t, f, "format="+format+"&outcome=DENIED"), o)
				if !denied.Intact() || denied.Rows == 0 || denied.Rows >= all.Rows || denied.Batches != all.Batches ||
					denied.Rows+denied.LeftOut != all.Rows+all.LeftOut {
					t.Fatalf("%s signed %v, denied: %s; all: %s", format, signed, denied.Summary(), all.Summary())
				}
				if !strings.Contains(denied.Summary(), "rows left out by the filter") {
					t.Fatalf("summary %q", denied.Summary())
				}
				events := check(t, eventExport(t, f, format), o)
				if !events.Intact() || events.Rows == 0 || !coversRecord(events, rec) {
					t.Fatalf("%s signed %v, events: %s", format, signed, events.Summary())
				}
				if signed != (len(all.Keys) == 1 && all.SignedFrom == 1) || signed == (all.Unsigned == all.Batches) {
					t.Fatalf("signed %v: keys %d, from %d, %d unsigned", signed, len(all.Keys), all.SignedFrom, all.Unsigned)
				}
			}
		}
		other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{4}, 32))
		wrong := seal.Options{Trusted: []ed25519.PublicKey{other.Public().(ed25519.PublicKey)}}
		if r := check(t, apiExport(t, f, "format=jsonl"), wrong); r.Intact() || r.Finding.Problem != seal.Broken {
			t.Fatalf("under another key: %s", r.Summary())
		}
	})
}
