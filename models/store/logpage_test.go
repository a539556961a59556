package store

import (
	"context"
	"testing"
	"time"

	"supportaccess/models"
)

// TestLogPagesByKeyset: following Older from the newest page visits every
// decision once, newest first; Newer leads back; filters select only what
// they name; the count stops past 1,000; the export walks the same rows;
// a list by page number counts only when asked.
func TestLogPagesByKeyset(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		const n = 1234
		to := f.clock
		if err := f.s.SeedDecisions(ctx, f.org.ID, n, to.Add(-30*24*time.Hour), to, nil); err != nil {
			t.Fatal(err)
		}
		all := models.DecisionFilter{OrgID: f.org.ID, PerPage: 100}
		var seen []models.AccessDecision
		var pages []models.LogPage[models.AccessDecision]
		cur := models.LogCursor{}
		for {
			p, err := f.s.AccessDecisionPage(ctx, f.owner.Principal, all, cur)
			if err != nil {
				t.Fatal(err)
			}
			if p.Total != 1000 || !p.TotalOver {
				t.Fatalf("count %d over %v, want more than 1000", p.Total, p.TotalOver)
			}
			if p.Newer != (len(pages) > 0) {
				t.Fatalf("page %d: newer %v", len(pages), p.Newer)
			}
			seen = append(seen, p.Rows...)
			pages = append(pages, p)
			if !p.Older {
				break
			}
			cur = models.LogCursor{Before: p.Rows[len(p.Rows)-1].ID}
		}
		if len(seen) != n || len(pages) != 13 {
			t.Fatalf("%d rows over %d pages, want %d over 13", len(seen), len(pages), n)
		}
		ids := map[string]bool{}
		for i, d := range seen {
			if ids[d.ID] {
				t.Fatalf("decision %s twice", d.ID)
			}
			ids[d.ID] = true
			if i > 0 && (d.CreatedAt > seen[i-1].CreatedAt || d.CreatedAt == seen[i-1].CreatedAt && d.ID > seen[i-1].ID) {
				t.Fatalf("row %d is newer than the one before it", i)
			}
		}
		// Newer from the third page is the second page again.
		back, err := f.s.AccessDecisionPage(ctx, f.owner.Principal, all, models.LogCursor{After: pages[2].Rows[0].ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(back.Rows) != 100 || back.Rows[0].ID != pages[1].Rows[0].ID || !back.Newer || !back.Older {
			t.Fatalf("newer than page 3: %d rows from %s (newer %v older %v), want page 2 from %s", len(back.Rows), back.Rows[0].ID, back.Newer, back.Older, pages[1].Rows[0].ID)
		}
		// A cursor of no row reads the newest page.
		if p, err := f.s.AccessDecisionPage(ctx, f.owner.Principal, all, models.LogCursor{Before: "000000000000000000000000"}); err != nil || p.Rows[0].ID != seen[0].ID || p.Newer {
			t.Fatalf("unknown cursor: %v, first %s", err, p.Rows[0].ID)
		}

		// Each filter, alone and with others, against the rows themselves.
		allowed := true
		d := seen[n/2]
		var granted string
		for _, x := range seen {
			if x.GrantID != "" {
				granted = x.GrantID
				break
			}
		}
		filters := map[string]models.DecisionFilter{
			"case":              {CaseNumber: d.CaseNumber},
			"cluster":           {ClusterName: d.ClusterName},
			"cluster, outcome":  {ClusterName: d.ClusterName, Allowed: &allowed},
			"scope":             {Scope: d.Scope},
			"project, scope":    {ProjectID: d.ProjectID, Scope: models.ScopeAuditLogs},
			"grant":             {GrantID: granted},
			"time":              {MinDate: d.CreatedAt.Time().Add(-time.Hour), MaxDate: d.CreatedAt.Time()},
			"case, time, scope": {CaseNumber: d.CaseNumber, MinDate: d.CreatedAt.Time().Add(-time.Hour), Scope: d.Scope},
		}
		for name, fl := range filters {
			fl.OrgID, fl.PerPage = f.org.ID, 1000
			match := func(x models.AccessDecision) bool {
				return (fl.CaseNumber == "" || x.CaseNumber == fl.CaseNumber) && (fl.ClusterName == "" || x.ClusterName == fl.ClusterName) &&
					(fl.Allowed == nil || x.Allowed == *fl.Allowed) && (fl.Scope == "" || x.Scope == fl.Scope) &&
					(fl.ProjectID == "" || x.ProjectID == fl.ProjectID) && (fl.GrantID == "" || x.GrantID == fl.GrantID) &&
					(fl.MinDate.IsZero() || !x.CreatedAt.Time().Before(fl.MinDate)) && (fl.MaxDate.IsZero() || !x.CreatedAt.Time().After(fl.MaxDate))
			}
			var want []string
			for _, x := range seen {
				if match(x) {
					want = append(want, x.ID)
				}
			}
			p, err := f.s.AccessDecisionPage(ctx, f.owner.Principal, fl, models.LogCursor{})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			var got []string
			each, err := f.s.AccessDecisionExport(ctx, f.owner.Principal, fl)
			if err != nil {
				t.Fatal(err)
			}
			if err := each(rowFunc[models.AccessDecision](func(x *models.AccessDecision) error { got = append(got, x.ID); return nil })); err != nil {
				t.Fatalf("%s: export: %v", name, err)
			}
			if len(want) == 0 || len(want) >= 1000 {
				t.Fatalf("%s: the fixture has %d matches; choose a filter with 1 to 999", name, len(want))
			}
			// Several filters count up to 250, one up to 1,000.
			limit := 1000
			if decisionFilters(fl, f.owner.Principal) > 1 {
				limit = 250
			}
			total, over := int64(min(len(want), limit)), len(want) > limit
			if p.Total != total || p.TotalOver != over || len(p.Rows) != len(want) || len(got) != len(want) {
				t.Fatalf("%s: page of %d, count %d (over %v), export of %d; want %d", name, len(p.Rows), p.Total, p.TotalOver, len(got), len(want))
			}
			for i := range want {
				if p.Rows[i].ID != want[i] || got[i] != want[i] {
					t.Fatalf("%s: row %d is %s (export %s), want %s", name, i, p.Rows[i].ID, got[i], want[i])
				}
			}
		}

		// The export walks every row, across batches.
		each, err := f.s.AccessDecisionExport(ctx, f.owner.Principal, all)
		if err != nil {
			t.Fatal(err)
		}
		i := 0
		err = each(rowFunc[models.AccessDecision](func(x *models.AccessDecision) error {
			if x.ID != seen[i].ID {
				t.Fatalf("export row %d is %s, want %s", i, x.ID, seen[i].ID)
			}
			i++
			return nil
		}))
		if err != nil || i != n {
			t.Fatalf("export: %d rows, %v", i, err)
		}

		// By page number: counted when asked, and when not, enough of a
		// total for a next link.
		byNum := models.DecisionFilter{OrgID: f.org.ID, PerPage: 500, Page: 2}
		rows, total, err := f.s.AccessDecisions(ctx, f.owner.Principal, byNum)
		if err != nil || total != n || len(rows) != 500 || rows[0].ID != seen[500].ID {
			t.Fatalf("page 2 of 500: %d rows, total %d, %v", len(rows), total, err)
		}
		byNum.NoCount = true
		if _, total, err = f.s.AccessDecisions(ctx, f.owner.Principal, byNum); err != nil || total != 1001 {
			t.Fatalf("page 2 uncounted: total %d, %v; want 1001 (one more follows)", total, err)
		}
		byNum.Page = 3
		if rows, total, err = f.s.AccessDecisions(ctx, f.owner.Principal, byNum); err != nil || total != n || len(rows) != n-1000 {
			t.Fatalf("page 3 uncounted: %d rows, total %d, %v", len(rows), total, err)
		}
	})
}
