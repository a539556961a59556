package store

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"supportaccess/models"
)

func TestSupportStaffTokens(t *testing.T) { eachBackend(t, testSupportStaffTokens) }

func testSupportStaffTokens(t *testing.T, f *fixture) {
	ctx := context.Background()
	st, token, err := f.s.CreateSupportStaff(ctx, " TSE@Provider.test ", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if st.Email != "tse@provider.test" || !strings.HasPrefix(token, "sas_") || len(token) != 68 {
		t.Fatalf("staff %+v token %q", st, token)
	}
	var stored models.SupportStaff
	if err := f.s.db.First(&stored, "id = ?", st.ID).Error; err != nil {
		t.Fatal(err)
	}
	if stored.TokenHash == token || strings.Contains(stored.TokenHash, token[4:]) {
		t.Fatal("the token is stored in the clear")
	}
	if got, err := f.s.SupportStaffByToken(ctx, token); err != nil || got.ID != st.ID {
		t.Fatalf("authenticate: %+v %v", got, err)
	}
	for _, bad := range []string{"", "sas_", token + "0", "sas_" + strings.Repeat("0", 64), strings.ToUpper(token)} {
		if _, err := f.s.SupportStaffByToken(ctx, bad); models.ErrorCode(err) != models.EUNAUTHORIZED {
			t.Fatalf("token %q: %v, want unauthorized", bad, err)
		}
	}
	if _, _, err := f.s.CreateSupportStaff(ctx, "tse@provider.test", 0); models.ErrorCode(err) != models.ECONFLICT {
		t.Fatalf("second token while one is valid: %v", err)
	}
	// Expiry, then a new token, then revoke.
	f.clock = f.clock.Add(time.Hour)
	if _, err := f.s.SupportStaffByToken(ctx, token); models.ErrorCode(err) != models.EUNAUTHORIZED {
		t.Fatalf("expired token: %v", err)
	}
	st2, token2, err := f.s.CreateSupportStaff(ctx, "tse@provider.test", 0)
	if err != nil || st2.ID != st.ID || token2 == token {
		t.Fatalf("reissue: %+v %v", st2, err)
	}
	if _, err := f.s.SupportStaffByToken(ctx, token); models.ErrorCode(err) != models.EUNAUTHORIZED {
		t.Fatalf("old token after reissue: %v", err)
	}
	if ok, err := f.s.RevokeSupportStaff(ctx, "tse@provider.test"); !ok || err != nil {
		t.Fatalf("revoke: %v %v", ok, err)
	}
	if _, err := f.s.SupportStaffByToken(ctx, token2); models.ErrorCode(err) != models.EUNAUTHORIZED {
		t.Fatalf("revoked token: %v", err)
	}
	if ok, err := f.s.RevokeSupportStaff(ctx, "tse@provider.test"); ok || err != nil {
		t.Fatalf("second revoke: %v %v", ok, err)
	}
	if _, err := f.s.RevokeSupportStaff(ctx, "nobody@provider.test"); models.ErrorCode(err) != models.ENOTFOUND {
		t.Fatalf("revoke unknown: %v", err)
	}
}

func TestDecideAccessRecords(t *testing.T) { eachBackend(t, testDecideAccessRecords) }

func testDecideAccessRecords(t *testing.T, f *fixture) {
	ctx := context.Background()
	st, _, err := f.s.CreateSupportStaff(ctx, "tse@provider.test", 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SetBlock(ctx, f.owner, f.org.ID, true); err != nil {
		t.Fatal(err)
	}
	res, err := f.s.GrantAccess(ctx, f.owner, models.GrantRequest{ProjectID: f.prod.ID, ClusterName: "analytics", Type: models.GrantDatabaseLogs})
	if err != nil {
		t.Fatal(err)
	}
	ask := models.AccessRequest{ProjectID: f.prod.ID, ClusterName: "analytics", Scope: string(models.ScopeDatabaseLogs), CaseNumber: "01234567",
		Justification: "slow queries", RemoteAddr: "198.51.100.7", Via: models.ViaAPI}
	d, err := f.s.DecideAccess(ctx, st, ask)
	if err != nil || !d.Allowed || d.GrantID != res.Grant.ID || d.GrantType != models.GrantDatabaseLogs || !d.Blocked {
		t.Fatalf("decision %+v %v", d, err)
	}
	ask.Scope = string(models.ScopeAuditLogs)
	if d, err := f.s.DecideAccess(ctx, st, ask); err != nil || d.Allowed || d.ReasonCode != models.ReasonGrantNarrower {
		t.Fatalf("audit logs under a database-logs grant: %+v %v", d, err)
	}
	// A malformed question about a real cluster is refused and recorded.
	ask.Scope, ask.CaseNumber = "EVERYTHING", ""
	d, err = f.s.DecideAccess(ctx, st, ask)
	if models.ErrorCode(err) != models.EINVALID || models.ErrorField(err) != "scope" || d.ID == "" || d.Allowed {
		t.Fatalf("unknown scope: %+v %v", d, err)
	}
	ask.Scope = string(models.ScopeInfrastructure)
	if _, err := f.s.DecideAccess(ctx, st, ask); models.ErrorField(err) != "caseNumber" {
		t.Fatalf("missing case number: %v", err)
	}
	// Questions about no cluster at all are not recorded: no customer owns them.
	ask.CaseNumber = "01234567"
	for _, r := range []models.AccessRequest{{ProjectID: f.prod.ID, ClusterName: "nope"}, {ProjectID: models.NewID(f.clock), ClusterName: "analytics"}, {ProjectID: "zz", ClusterName: "analytics"}} {
		r.Scope, r.CaseNumber = ask.Scope, ask.CaseNumber
		if _, err := f.s.DecideAccess(ctx, st, r); models.ErrorCode(err) != models.ENOTFOUND {
			t.Fatalf("%+v: %v, want not found", r, err)
		}
	}
	all, total, err := f.s.AccessDecisions(ctx, f.owner.Principal, models.DecisionFilter{OrgID: f.org.ID})
	if err != nil || total != 4 || len(all) != 4 {
		t.Fatalf("recorded %d (%v), want 4", total, err)
	}
	if all[0].CreatedAt < all[3].CreatedAt {
		t.Fatal("decisions are not newest first")
	}
	no := false
	denied, n, err := f.s.AccessDecisions(ctx, f.owner.Principal, models.DecisionFilter{OrgID: f.org.ID, Allowed: &no, GrantID: res.Grant.ID})
	if err != nil || n != 3 || len(denied) != 3 {
		t.Fatalf("denied under the grant: %d %v", n, err)
	}
	// Revoke: the next question sees no grant, and it is recorded as such.
	if _, _, err := f.s.RevokeAccess(ctx, f.owner, f.prod.ID, "analytics"); err != nil {
		t.Fatal(err)
	}
	ask.Scope = string(models.ScopeDatabaseLogs)
	if d, err := f.s.DecideAccess(ctx, st, ask); err != nil || d.Allowed || d.GrantID != "" || d.ReasonCode != models.ReasonNoGrant {
		t.Fatalf("after revoke: %+v %v", d, err)
	}
	// Another organization's people see none of it.
	if _, _, err := f.s.AccessDecisions(ctx, models.Principal{Kind: models.ActorUser}, models.DecisionFilter{OrgID: f.org.ID}); models.ErrorCode(err) != models.ENOTFOUND {
		t.Fatalf("stranger: %v", err)
	}
	// An employee whose token was revoked after it was checked decides
	// nothing: the decision reads the employee again.
	if _, err := f.s.RevokeSupportStaff(ctx, st.Email); err != nil {
		t.Fatal(err)
	}
	_, before, err := f.s.AccessDecisions(ctx, f.owner.Principal, models.DecisionFilter{OrgID: f.org.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []models.AccessRequest{ask, {ProjectID: f.prod.ID, ClusterName: "nope", Scope: ask.Scope, CaseNumber: "1"}} {
		if _, err := f.s.DecideAccess(ctx, st, r); models.ErrorCode(err) != models.EUNAUTHORIZED {
			t.Fatalf("revoked employee asking about %s: %v, want unauthorized", r.ClusterName, err)
		}
	}
	if _, after, err := f.s.AccessDecisions(ctx, f.owner.Principal, models.DecisionFilter{OrgID: f.org.ID}); err != nil || after != before {
		t.Fatalf("a revoked employee's question was recorded: %d → %d (%v)", before, after, err)
	}
}

func TestDemoLogSource(t *testing.T) {
	ctx := context.Background()
	src := models.DemoLogSource{Lines: 500, BatchLines: 50}
	c := models.Cluster{ID: "0123456789abcdef01234567", Name: "orders-prod", CreatedAt: models.At(time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC))}
	read := func(c models.Cluster) []byte {
		r, err := src.DatabaseLog(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b := read(c), read(c)
	if !bytes.Equal(a, b) {
		t.Fatal("the demo log is not deterministic")
	}
	if n := bytes.Count(a, []byte("\n")); n != 500 {
		t.Fatalf("%d lines, want 500", n)
	}
	other := c
	other.ID = "76543210fedcba9876543210"
	if bytes.Equal(a, read(other)) {
		t.Fatal("two clusters have the same log")
	}
	for _, marker := range []string{`"atype"`, `"c":"AUDIT"`} {
		if bytes.Contains(a, []byte(marker)) {
			t.Fatalf("audit log entry %s in a database log", marker)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	r, _ := models.DemoLogSource{Lines: 500, BatchLines: 10, Pause: time.Hour}.DatabaseLog(cctx, c)
	buf := make([]byte, 1<<20)
	if _, err := r.Read(buf); err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := r.Read(buf); err == nil {
		t.Fatal("reading went on after the context ended")
	}
}

func TestDecideAccessWithToken(t *testing.T) { eachBackend(t, testDecideAccessWithToken) }

// testDecideAccessWithToken: the token checked inside the decision's
// transaction names who asked in the record; a revoked or expired token is
// refused there and records nothing.
func testDecideAccessWithToken(t *testing.T, f *fixture) {
	ctx := context.Background()
	st, token, err := f.s.CreateSupportStaff(ctx, "tse@provider.test", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	ask := models.AccessRequest{ProjectID: f.prod.ID, ClusterName: "analytics", Scope: string(models.ScopeInfrastructure), CaseNumber: "01234567", Via: models.ViaAPI}
	count := func() int64 {
		var n int64
		if err := f.s.db.Model(&models.AccessDecision{}).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	d, err := f.s.DecideAccessWithToken(ctx, token, ask)
	if err != nil || d.StaffID != st.ID || d.StaffEmail != "tse@provider.test" || count() != 1 {
		t.Fatalf("decision %+v %v, %d recorded", d, err, count())
	}
	f.clock = f.clock.Add(time.Hour)
	if _, err := f.s.DecideAccessWithToken(ctx, token, ask); models.ErrorCode(err) != models.EUNAUTHORIZED || count() != 1 {
		t.Fatalf("expired token: %v, %d recorded", err, count())
	}
	f.clock = f.clock.Add(-time.Minute)
	if _, err := f.s.RevokeSupportStaff(ctx, "tse@provider.test"); err != nil {
		t.Fatal(err)
	}
	for _, q := range []models.AccessRequest{ask, {ProjectID: f.prod.ID, ClusterName: "no such cluster"}, {}} {
		if _, err := f.s.DecideAccessWithToken(ctx, token, q); models.ErrorCode(err) != models.EUNAUTHORIZED || count() != 1 {
			t.Fatalf("revoked token asking %+v: %v, %d recorded", q, err, count())
		}
	}
}
