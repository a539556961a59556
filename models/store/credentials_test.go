package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"supportaccess/models"
)

func TestAPIKeyStoresOnlyDigestHashes(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	k, private, err := f.s.CreateAPIKey(ctx, f.owner, models.CredentialRequest{OrgID: f.org.ID, Description: "ci", Role: models.ProjectSupportAccessManager, ProjectID: f.prod.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(k.PublicKey) != 8 || len(private) != 36 {
		t.Fatalf("key shape: %q %q", k.PublicKey, private)
	}
	var row map[string]any
	if err := f.s.db.Table("api_keys").Where("id = ?", k.ID).Take(&row).Error; err != nil {
		t.Fatal(err)
	}
	for col, v := range row {
		if s, ok := v.(string); ok && strings.Contains(s, private) {
			t.Fatalf("column %s holds the private key", col)
		}
	}
	if row["ha1_md5"] != models.DigestHA1("MD5", k.PublicKey, private) || row["ha1_sha256"] != models.DigestHA1("SHA-256", k.PublicKey, private) {
		t.Fatalf("stored HA1 values are not H(public:realm:private): %v", row)
	}
	got, err := f.s.APIKeyByPublicKey(ctx, k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	p := got.Principal()
	if p.Kind != models.ActorAPIKey || p.Name != k.PublicKey || p.ID != k.ID || p.OrgRoles[f.org.ID] != models.OrgMember || p.ProjectRoles[f.prod.ID] != models.ProjectSupportAccessManager {
		t.Fatalf("principal: %+v", p)
	}
	if _, err := f.s.APIKeyByPublicKey(ctx, "nobody"); models.ErrorCode(err) != models.EUNAUTHORIZED {
		t.Fatalf("unknown key: %v", err)
	}
}

func TestCredentialRulesAndStoresNothingOnFailure(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	other, err := f.s.CreateOrg(ctx, "Globex")
	if err != nil {
		t.Fatal(err)
	}
	otherProject, err := f.s.CreateProject(ctx, other.ID, "Payments")
	if err != nil {
		t.Fatal(err)
	}
	member := models.Principal{Kind: models.ActorUser, Name: "m", OrgRoles: map[string]models.Role{f.org.ID: models.OrgMember}}
	cases := []struct {
		name  string
		p     models.Principal
		req   models.CredentialRequest
		code  string
		field string
	}{
		{"no description", f.owner.Principal, models.CredentialRequest{OrgID: f.org.ID, Role: models.OrgOwner}, models.EINVALID, "description"},
		{"unknown role", f.owner.Principal, models.CredentialRequest{OrgID: f.org.ID, Description: "x", Role: "ADMIN"}, models.EINVALID, "role"},
		{"project role without project", f.owner.Principal, models.CredentialRequest{OrgID: f.org.ID, Description: "x", Role: models.ProjectOwner}, models.EINVALID, "project"},
		{"org role with project", f.owner.Principal, models.CredentialRequest{OrgID: f.org.ID, Description: "x", Role: models.OrgOwner, ProjectID: f.prod.ID}, models.EINVALID, "project"},
		{"project of another org", f.owner.Principal, models.CredentialRequest{OrgID: f.org.ID, Description: "x", Role: models.ProjectOwner, ProjectID: otherProject.ID}, models.EINVALID, "project"},
		{"member may not", member, models.CredentialRequest{OrgID: f.org.ID, Description: "x", Role: models.OrgOwner}, models.EFORBIDDEN, ""},
		{"outsider learns nothing", f.owner.Principal, models.CredentialRequest{OrgID: other.ID, Description: "x", Role: models.OrgOwner}, models.ENOTFOUND, ""},
		{"overlong request key", f.owner.Principal, models.CredentialRequest{OrgID: f.org.ID, Description: "x", Role: models.OrgOwner, RequestKey: strings.Repeat("k", models.MaxRequestKey+1)}, models.EINVALID, "requestKey"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := f.s.CreateAPIKey(ctx, models.Actor{Principal: tc.p}, tc.req)
			_, _, err2 := f.s.CreateServiceAccount(ctx, models.Actor{Principal: tc.p}, tc.req)
			for _, e := range []error{err, err2} {
				if models.ErrorCode(e) != tc.code || models.ErrorField(e) != tc.field {
					t.Errorf("got %v, want %s on %q", e, tc.code, tc.field)
				}
			}
			var n int64
			if err := f.s.db.Table("api_keys").Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			var m int64
			if err := f.s.db.Table("service_accounts").Count(&m).Error; err != nil {
				t.Fatal(err)
			}
			if n+m != 0 {
				t.Errorf("stored %d keys and %d accounts", n, m)
			}
		})
	}
}

func TestDigestNonceCountUsedOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	exp := f.clock.Add(5 * time.Minute)
	if err := f.s.UseDigestNonce(ctx, "n1", 1, exp); err != nil {
		t.Fatal(err)
	}
	if err := f.s.UseDigestNonce(ctx, "n1", 1, exp); models.ErrorCode(err) != models.EUNAUTHORIZED {
		t.Fatalf("replayed count: %v", err)
	}
	if err := f.s.UseDigestNonce(ctx, "n1", 2, exp); err != nil {
		t.Fatalf("next count: %v", err)
	}
	// Rows of expired nonces are pruned.
	f.clock = exp.Add(time.Second)
	if err := f.s.UseDigestNonce(ctx, "n2", 1, f.clock.Add(5*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := f.s.PruneDigestNonces(ctx); err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := f.s.db.Table("digest_nonce_uses").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d nonce rows after pruning, want 1", n)
	}
}

func TestServiceAccountTokens(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a, secret, err := f.s.CreateServiceAccount(ctx, f.owner, models.CredentialRequest{OrgID: f.org.ID, Description: "tf", Role: models.OrgReadOnly})
	if err != nil {
		t.Fatal(err)
	}
	var stored models.ServiceAccount
	if err := f.s.db.First(&stored, "id = ?", a.ID).Error; err != nil {
		t.Fatal(err)
	}
	if stored.SecretHash == secret || strings.Contains(stored.SecretHash, secret) || !strings.HasPrefix(a.ClientID, "mdb_sa_id_") {
		t.Fatalf("secret stored in clear or bad client id: %+v", stored)
	}
	if _, _, err := f.s.IssueAccessToken(ctx, a.ClientID, "wrong"); models.ErrorCode(err) != models.EUNAUTHORIZED {
		t.Fatalf("wrong secret: %v", err)
	}
	if _, _, err := f.s.IssueAccessToken(ctx, "mdb_sa_id_nobody", secret); models.ErrorCode(err) != models.EUNAUTHORIZED {
		t.Fatalf("unknown client: %v", err)
	}
	tok, ttl, err := f.s.IssueAccessToken(ctx, a.ClientID, secret)
	if err != nil || ttl != time.Hour {
		t.Fatal(err, ttl)
	}
	p, err := f.s.TokenPrincipal(ctx, tok)
	if err != nil || p.Kind != models.ActorServiceAccount || p.Name != a.ClientID || p.OrgRoles[f.org.ID] != models.OrgReadOnly {
		t.Fatalf("principal: %+v %v", p, err)
	}
	f.clock = f.clock.Add(time.Hour)
	if _, err := f.s.TokenPrincipal(ctx, tok); models.ErrorCode(err) != models.EUNAUTHORIZED {
		t.Fatalf("expired token: %v", err)
	}
	tok2, _, err := f.s.IssueAccessToken(ctx, a.ClientID, secret)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.RevokeAccessToken(ctx, a.ClientID, secret, tok2); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.TokenPrincipal(ctx, tok2); models.ErrorCode(err) != models.EUNAUTHORIZED {
		t.Fatalf("revoked token: %v", err)
	}
	tok3, _, err := f.s.IssueAccessToken(ctx, a.ClientID, secret)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.DeleteServiceAccount(ctx, f.owner, f.org.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.TokenPrincipal(ctx, tok3); models.ErrorCode(err) != models.EUNAUTHORIZED {
		t.Fatalf("token of a deleted account: %v", err)
	}
}

func TestCredentialChangesAreInTheActivityFeed(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	k, _, err := f.s.CreateAPIKey(ctx, f.owner, models.CredentialRequest{OrgID: f.org.ID, Description: "ci", Role: models.OrgReadOnly})
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := f.s.CreateServiceAccount(ctx, f.owner, models.CredentialRequest{OrgID: f.org.ID, Description: "tf", Role: models.OrgReadOnly})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.DeleteAPIKey(ctx, f.owner, f.org.ID, k.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.s.DeleteServiceAccount(ctx, f.owner, f.org.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	// Deleting again is not found and writes nothing.
	if err := f.s.DeleteAPIKey(ctx, f.owner, f.org.ID, k.ID); models.ErrorCode(err) != models.ENOTFOUND {
		t.Fatalf("second delete: %v", err)
	}
	evs := f.events(t, models.EventAPIKeyCreated, models.EventAPIKeyDeleted, models.EventServiceAccountCreated, models.EventServiceAccountDeleted)
	if len(evs) != 4 {
		t.Fatalf("%d credential events, want 4: %+v", len(evs), evs)
	}
	for _, e := range evs {
		if e.ActorName != models.DemoOwnerEmail || e.RemoteAddr != f.owner.RemoteAddr || e.Detail == "" {
			t.Errorf("event %s lacks actor, address or detail: %+v", e.Type, e)
		}
	}
}

// TestCredentialFormCreatesOnce: a create form submitted again with its
// request key (a reload, a double click, a retried request) creates
// nothing, writes no event, and says which credential the form made.
func TestCredentialFormCreatesOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		req := models.CredentialRequest{OrgID: f.org.ID, Description: "deploy", Role: models.OrgOwner, RequestKey: "form-1"}
		k, _, err := f.s.CreateAPIKey(ctx, f.owner, req)
		if err != nil {
			t.Fatal(err)
		}
		again, private, err := f.s.CreateAPIKey(ctx, f.owner, req)
		if models.ErrorCode(err) != models.ECONFLICT || again.ID != "" || private != "" {
			t.Fatalf("second submission: %+v %q %v, want a conflict and nothing", again, private, err)
		}
		if msg := models.ErrorMessage(err); !strings.Contains(msg, "API key "+k.PublicKey) || !strings.Contains(msg, "shown only once") || !strings.Contains(msg, "delete") {
			t.Errorf("message does not name the key or say what to do: %q", msg)
		}
		// Another role on the same form is still the same form.
		req.Role = models.OrgReadOnly
		if _, _, err := f.s.CreateAPIKey(ctx, f.owner, req); models.ErrorCode(err) != models.ECONFLICT {
			t.Fatalf("changed fields, same form: %v", err)
		}

		sa, _, err := f.s.CreateServiceAccount(ctx, f.owner, req)
		if err != nil {
			t.Fatalf("a service account form has keys of its own: %v", err)
		}
		_, secret, err := f.s.CreateServiceAccount(ctx, f.owner, req)
		if models.ErrorCode(err) != models.ECONFLICT || secret != "" || !strings.Contains(models.ErrorMessage(err), "service account "+sa.ClientID) {
			t.Fatalf("second service account submission: %q %v", secret, err)
		}

		keys, _ := f.s.APIKeys(ctx, f.owner.Principal, f.org.ID)
		accounts, _ := f.s.ServiceAccounts(ctx, f.owner.Principal, f.org.ID)
		if len(keys) != 1 || len(accounts) != 1 {
			t.Fatalf("%d keys and %d accounts, want one of each", len(keys), len(accounts))
		}
		if n := len(f.events(t, models.EventAPIKeyCreated, models.EventServiceAccountCreated)); n != 2 {
			t.Fatalf("%d create events, want 2", n)
		}

		// Keys are per organization: another organization's owner who
		// sends the same key creates a credential of their own and learns
		// nothing about this one.
		other, err := f.s.CreateOrg(ctx, "Globex")
		if err != nil {
			t.Fatal(err)
		}
		theirs, _, err := f.s.CreateAPIKey(ctx, models.Actor{Principal: models.Operator(other.ID)}, models.CredentialRequest{OrgID: other.ID, Description: "x", Role: models.OrgOwner, RequestKey: "form-1"})
		if err != nil || theirs.OrgID != other.ID || theirs.PublicKey == k.PublicKey {
			t.Fatalf("another organization's form: %+v %v", theirs, err)
		}
		if _, _, err := f.s.CreateServiceAccount(ctx, models.Actor{Principal: models.Operator(other.ID)}, models.CredentialRequest{OrgID: other.ID, Description: "x", Role: models.OrgOwner, RequestKey: "form-1"}); err != nil {
			t.Fatalf("another organization's service account form: %v", err)
		}
	})
}

// TestCredentialsWithoutRequestKey: operator commands send no request key;
// each call creates, and the column stays NULL.
func TestCredentialsWithoutRequestKey(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		op := models.Actor{Principal: models.Operator(f.org.ID)}
		req := models.CredentialRequest{OrgID: f.org.ID, Description: "cli", Role: models.OrgReadOnly}
		for i := 0; i < 2; i++ {
			if _, _, err := f.s.CreateAPIKey(ctx, op, req); err != nil {
				t.Fatal(err)
			}
			if _, _, err := f.s.CreateServiceAccount(ctx, op, req); err != nil {
				t.Fatal(err)
			}
		}
		for _, table := range []string{"api_keys", "service_accounts"} {
			var nulls int64
			if err := f.s.db.Table(table).Where("request_key IS NULL").Count(&nulls).Error; err != nil {
				t.Fatal(err)
			}
			if nulls != 2 {
				t.Errorf("%s: %d rows with a NULL request key, want 2", table, nulls)
			}
		}
	})
}

// TestCredentialRequestKeyIsUniqueInTheDatabase: the index, not only the
// check before the insert, refuses a second row for one form.
func TestCredentialRequestKeyIsUniqueInTheDatabase(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		k, _, err := f.s.CreateAPIKey(ctx, f.owner, models.CredentialRequest{OrgID: f.org.ID, Description: "x", Role: models.OrgOwner, RequestKey: "form-1"})
		if err != nil {
			t.Fatal(err)
		}
		dup := k
		dup.ID, dup.PublicKey = models.NewID(f.clock), "dupdupdu"
		if err := f.s.db.Create(&dup).Error; err == nil || !isUniqueViolation(err) {
			t.Fatalf("a second row for one form: %v, want a unique violation", err)
		}
		a, _, err := f.s.CreateServiceAccount(ctx, f.owner, models.CredentialRequest{OrgID: f.org.ID, Description: "x", Role: models.OrgOwner, RequestKey: "form-2"})
		if err != nil {
			t.Fatal(err)
		}
		dupA := a
		dupA.ID, dupA.ClientID = models.NewID(f.clock), "mdb_sa_id_dup"
		if err := f.s.db.Create(&dupA).Error; err == nil || !isUniqueViolation(err) {
			t.Fatalf("a second service account row for one form: %v, want a unique violation", err)
		}
	})
}

// TestConcurrentSubmissionsOfOneCredentialForm: the same form submitted
// many times at once, through two replicas, creates exactly one API key and
// one service account; every other submission is told it was already used.
func TestConcurrentSubmissionsOfOneCredentialForm(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		stores := []*Store{f.s, f.replica(t)}
		req := models.CredentialRequest{OrgID: f.org.ID, Description: "race", Role: models.OrgOwner, RequestKey: "form-race"}
		const n = 12
		created := make([]bool, n)
		errs := runTogether(n, func(i int) error {
			var err error
			if i%2 == 0 {
				_, _, err = stores[i/2%2].CreateAPIKey(ctx, f.owner, req)
			} else {
				_, _, err = stores[i/2%2].CreateServiceAccount(ctx, f.owner, req)
			}
			switch models.ErrorCode(err) {
			case "":
				created[i] = true
			case models.ECONFLICT:
			default:
				return fmt.Errorf("submission %d: %w", i, err)
			}
			return nil
		})
		for _, err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		var keysMade, accountsMade int
		for i, ok := range created {
			if ok && i%2 == 0 {
				keysMade++
			} else if ok {
				accountsMade++
			}
		}
		keys, _ := f.s.APIKeys(ctx, f.owner.Principal, f.org.ID)
		accounts, _ := f.s.ServiceAccounts(ctx, f.owner.Principal, f.org.ID)
		if keysMade != 1 || accountsMade != 1 || len(keys) != 1 || len(accounts) != 1 {
			t.Fatalf("created %d keys and %d accounts (%d and %d stored), want exactly one of each", keysMade, accountsMade, len(keys), len(accounts))
		}
		if n := len(f.events(t, models.EventAPIKeyCreated, models.EventServiceAccountCreated)); n != 2 {
			t.Fatalf("%d create events, want 2", n)
		}
	})
}

// TestUsedCredentialFormIsRefusedBeforeItsFields: a form submitted again
// after its credential was made is told so even when its fields no longer
// pass (here its project is gone). A field error would show the form
// again with a fresh request key, one click from a second credential.
func TestUsedCredentialFormIsRefusedBeforeItsFields(t *testing.T) {
	eachBackend(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		pr, err := f.s.CreateProject(ctx, f.org.ID, "Scratch")
		if err != nil {
			t.Fatal(err)
		}
		keyForm := models.CredentialRequest{OrgID: f.org.ID, Description: "deploy", Role: models.ProjectOwner, ProjectID: pr.ID, RequestKey: "form-k"}
		accountForm := keyForm
		accountForm.RequestKey = "form-a"
		k, _, err := f.s.CreateAPIKey(ctx, f.owner, keyForm)
		if err != nil {
			t.Fatal(err)
		}
		sa, _, err := f.s.CreateServiceAccount(ctx, f.owner, accountForm)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.s.db.Exec(`DELETE FROM projects WHERE id = ?`, pr.ID).Error; err != nil {
			t.Fatal(err)
		}
		// The same forms, as a fresh one would now fail.
		fresh := keyForm
		fresh.RequestKey = "form-new"
		if _, _, err := f.s.CreateAPIKey(ctx, f.owner, fresh); models.ErrorCode(err) != models.EINVALID || models.ErrorField(err) != "project" {
			t.Fatalf("a fresh form for the removed project: %v, want a project field error", err)
		}
		again, private, err := f.s.CreateAPIKey(ctx, f.owner, keyForm)
		if models.ErrorCode(err) != models.ECONFLICT || again.ID != "" || private != "" || !strings.Contains(models.ErrorMessage(err), "API key "+k.PublicKey) {
			t.Fatalf("used API key form: %+v %q %v, want a conflict naming %s", again, private, err, k.PublicKey)
		}
		_, secret, err := f.s.CreateServiceAccount(ctx, f.owner, accountForm)
		if models.ErrorCode(err) != models.ECONFLICT || secret != "" || !strings.Contains(models.ErrorMessage(err), "service account "+sa.ClientID) {
			t.Fatalf("used service account form: %q %v, want a conflict naming %s", secret, err, sa.ClientID)
		}
		// And so for a field that never passed: the form is what counts.
		keyForm.Description = ""
		if _, _, err := f.s.CreateAPIKey(ctx, f.owner, keyForm); models.ErrorCode(err) != models.ECONFLICT {
			t.Fatalf("used form with no description: %v, want a conflict", err)
		}
		keys, _ := f.s.APIKeys(ctx, f.owner.Principal, f.org.ID)
		accounts, _ := f.s.ServiceAccounts(ctx, f.owner.Principal, f.org.ID)
		if len(keys) != 1 || len(accounts) != 1 {
			t.Fatalf("%d keys and %d accounts, want one of each", len(keys), len(accounts))
		}
	})
}

// TestCredentialFormUsedIsCheckedAfterAuthorization: someone who may not
// manage credentials learns nothing of a used form.
func TestCredentialFormUsedIsCheckedAfterAuthorization(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	req := models.CredentialRequest{OrgID: f.org.ID, Description: "x", Role: models.OrgOwner, RequestKey: "form-1"}
	if _, _, err := f.s.CreateAPIKey(ctx, f.owner, req); err != nil {
		t.Fatal(err)
	}
	member := models.Principal{Kind: models.ActorUser, Name: "m", OrgRoles: map[string]models.Role{f.org.ID: models.OrgMember}}
	if _, _, err := f.s.CreateAPIKey(ctx, models.Actor{Principal: member}, req); models.ErrorCode(err) != models.EFORBIDDEN {
		t.Fatalf("a member sending a used form: %v, want forbidden", err)
	}
}
