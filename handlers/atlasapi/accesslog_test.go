package atlasapi_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/handlers/logexport"
	"supportaccess/models"
)

// TestSupportAccessLogAPI: the customer's Support Access Log through the
// Admin API (ours, 2026-12-01): pages by pageNum with the console's
// filters, and the export of every match as JSON Lines or CSV.
func TestSupportAccessLogAPI(t *testing.T) {
	f := handlertest.NewAPI(t)
	now := f.Store.Now()
	if err := f.Store.SeedDecisions(context.Background(), f.Org.ID, 60, now.Add(-48*time.Hour), now, nil); err != nil {
		t.Fatal(err)
	}
	c := handlertest.DigestClient(f.Key(f.Org.ID, models.OrgOwner))
	accept := []string{"Accept", "application/vnd.atlas.2026-12-01+json"}
	base := "/api/atlas/v2/orgs/" + f.Org.ID + "/supportAccessLog"
	type page struct {
		Results    []logexport.Decision
		TotalCount *int64
		Links      []struct{ Rel string }
	}
	get := func(query string) page {
		t.Helper()
		status, b, _ := f.Call(c, http.MethodGet, base+query, "", accept...)
		if status != http.StatusOK {
			t.Fatalf("%s: %d %s", query, status, b)
		}
		var p page
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	all := get("?itemsPerPage=500")
	if len(all.Results) != 60 || all.TotalCount == nil || *all.TotalCount != 60 {
		t.Fatalf("%d results of %v, want 60", len(all.Results), all.TotalCount)
	}
	for i, d := range all.Results {
		if i > 0 && d.Created > all.Results[i-1].Created {
			t.Fatalf("result %d newer than the one before", i)
		}
		if d.OrgID != f.Org.ID || d.ClusterName == "" || d.CaseNumber == "" || d.Scope == "" {
			t.Fatalf("result %d: %+v", i, d)
		}
	}
	second := get("?itemsPerPage=25&pageNum=2&includeCount=false")
	if len(second.Results) != 25 || second.TotalCount != nil || second.Results[0].ID != all.Results[25].ID {
		t.Fatalf("page 2: %d results, count %v", len(second.Results), second.TotalCount)
	}
	rels := map[string]bool{}
	for _, l := range second.Links {
		rels[l.Rel] = true
	}
	if !rels["next"] || !rels["previous"] || !rels["self"] {
		t.Fatalf("page 2 links %v", rels)
	}
	denied := get("?outcome=DENIED&clusterName=" + all.Results[0].ClusterName)
	for _, d := range denied.Results {
		if d.Allowed || d.ClusterName != all.Results[0].ClusterName {
			t.Fatalf("filtered result %+v", d)
		}
	}
	byCase := get("?caseNumber=" + all.Results[3].CaseNumber)
	if len(byCase.Results) == 0 || int64(len(byCase.Results)) != *byCase.TotalCount {
		t.Fatalf("by case: %d of %v", len(byCase.Results), byCase.TotalCount)
	}

	// Every match, streamed: JSON Lines by default, or CSV.
	status, b, res := f.Call(c, http.MethodGet, base+":export?outcome=DENIED", "", accept...)
	if status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/jsonl") {
		t.Fatalf("export: %d %s %.200s", status, res.Header.Get("Content-Type"), b)
	}
	lines := 0
	for sc := bufio.NewScanner(bytes.NewReader(b)); sc.Scan(); lines++ {
		if bytes.HasPrefix(sc.Bytes(), []byte(`{"seal":`)) || bytes.HasPrefix(sc.Bytes(), []byte(`{"end":`)) {
			lines-- // the seals and the end (logexport's check_test.go)
			continue
		}
		var d logexport.Decision
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil || d.Allowed || d.ID == "" {
			t.Fatalf("line %d: %v %s", lines, err, sc.Bytes())
		}
	}
	wantDenied := 0
	for _, d := range all.Results {
		if !d.Allowed {
			wantDenied++
		}
	}
	if lines != wantDenied || wantDenied == 0 {
		t.Fatalf("%d lines, want the %d denied", lines, wantDenied)
	}
	status, b, res = f.Call(c, http.MethodGet, base+":export?format=csv", "", accept...)
	if status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("csv export: %d %v", status, res.Header)
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1 // the trailer of seals has cells of its own
	rows, err := cr.ReadAll()
	end := slices.IndexFunc(rows, func(r []string) bool { return r[0] == "#seals" })
	if err != nil || end != 61 || rows[0][0] != "id" || rows[1][0] != all.Results[0].ID {
		t.Fatalf("csv: %d rows before the seals, %v", end, err)
	}

	for _, bad := range []string{"?outcome=MAYBE", "?scope=ALL", "?groupId=zz", "?grantId=1", "?clusterName=a%20b", "?minDate=yesterday", ":export?format=xml"} {
		status, b, _ := f.Call(c, http.MethodGet, base+bad, "", accept...)
		if status != http.StatusBadRequest {
			t.Fatalf("%s: %d %s", bad, status, b)
		}
		handlertest.APIErr(t, status, b)
	}
	other := handlertest.DigestClient(f.Key(f.Other.ID, models.OrgOwner))
	for _, path := range []string{base, base + ":export"} {
		if status, b, _ := f.Call(other, http.MethodGet, path, "", accept...); status != http.StatusNotFound || bytes.Contains(b, []byte(f.Org.ID+`"`)) {
			t.Fatalf("another organization's key: %d %s", status, b)
		}
	}
}
