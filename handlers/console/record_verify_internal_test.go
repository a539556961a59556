package console

import (
	"strings"
	"testing"

	"supportaccess/models/seal"
	"supportaccess/models/store"
)

// A broken record names the row to those who see every row, and only
// the batch to a member, who sees some projects' rows.
func TestRecordCheckWording(t *testing.T) {
	c := store.RecordCheck{Report: seal.Report{Batches: 3, Finding: &seal.Finding{Problem: seal.Changed, Batch: 2,
		Kind: seal.KindDecision, ID: "5f0000000000000000000001", At: 1e18, Detail: "its fields differ from what was sealed"}}}
	owner, member := recordCheckView(c, true), recordCheckView(c, false)
	if owner.Intact || !strings.Contains(owner.Detail, "access decision 5f0000000000000000000001") || !strings.Contains(owner.Detail, "changed") {
		t.Errorf("owner reads %+v", owner)
	}
	if member.Intact || strings.Contains(member.Detail, "5f00") || !strings.Contains(member.Detail, "batch 2") {
		t.Errorf("member reads %+v", member)
	}
	c = store.RecordCheck{Report: seal.Report{Batches: 3, Rows: 7, Through: 1e18, From: 9e17}, Unsealed: 2}
	if v := recordCheckView(c, true); !v.Intact || !strings.HasPrefix(v.Headline, "Intact up to 2001-09-09") || !strings.Contains(v.Detail, "retention") || !strings.Contains(v.Detail, "2 newer rows") {
		t.Errorf("intact reads %+v", v)
	}
}
