package console_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"supportaccess/handlers"
	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

// Verify sits on both log pages, and answers in place for htmx and with
// a page of its own without JavaScript; the seals' signing key shows on
// Organization Settings.
func TestVerifyOnBothLogPages(t *testing.T) {
	f := handlertest.New(t)
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, 32))
	f.Echo = f.Server(handlers.Config{PollSeconds: 5, SealKey: key})
	ctx := context.Background()
	f.SetBlock(true)
	if _, err := f.Store.SealRecord(ctx, key); err != nil {
		t.Fatal(err)
	}
	owner := f.Login(models.DemoOwnerEmail)
	org := "/orgs/" + handlertest.IDs.Org
	for _, page := range []string{"/activity", "/support-access-log"} {
		rec := owner.Get(org + page)
		owner.MustStatus(rec, http.StatusOK)
		if handlertest.Parse(t, rec).Find(`[data-testid="record-verify"] [data-testid="verify-button"]`).Length() != 1 {
			t.Errorf("%s has no Verify button", page)
		}
	}
	rec := owner.HxGet(org + "/record/verify?from=activity")
	owner.MustStatus(rec, http.StatusOK)
	res := handlertest.Parse(t, rec).Find(`[data-testid="verify-result"]`)
	if res.AttrOr("data-intact", "") != "true" || !strings.HasPrefix(handlertest.Text(res), "Intact up to") || !strings.Contains(handlertest.Text(res), "signed from batch 1") {
		t.Fatalf("partial: %q", handlertest.Text(res))
	}
	if strings.Contains(rec.Body.String(), "<html") {
		t.Error("the partial is a whole page")
	}
	rec = owner.Get(org + "/record/verify?from=activity")
	owner.MustStatus(rec, http.StatusOK)
	doc := handlertest.Parse(t, rec)
	if doc.Find(`[data-testid="verify-result"][data-intact="true"]`).Length() != 1 || doc.Find(`a[href="`+org+`/activity"]`).Length() == 0 {
		t.Fatalf("page without JavaScript: %s", handlertest.Excerpt(rec.Body.String()))
	}
	rec = owner.Get(org + "/settings")
	owner.MustStatus(rec, http.StatusOK)
	want := base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey))
	if got := handlertest.Text(handlertest.Parse(t, rec).Find(`[data-testid="seal-public-key"]`)); got != want {
		t.Fatalf("settings show key %q, want %q", got, want)
	}
	// Another organization's record is not there to verify.
	rec = f.Login(handlertest.MemberEmail).Get("/orgs/" + handlertest.IDs.Globex + "/record/verify")
	if rec.Code != http.StatusNotFound {
		t.Fatalf("another organization's record: %d", rec.Code)
	}
}
