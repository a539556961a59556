package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

// enrolTOTPThroughThePages sets up an authenticator app as a browser does
// and returns its secret and recovery codes.
func enrolTOTPThroughThePages(t *testing.T, b *handlertest.Client) (string, []string) {
	t.Helper()
	rec := b.Get("/account/totp")
	b.MustStatus(rec, http.StatusOK)
	doc := handlertest.Parse(t, rec)
	secret := doc.Find(`[data-testid="totp-secret"]`).AttrOr("data-secret", "")
	if secret == "" || !strings.HasPrefix(doc.Find(`[data-testid="totp-qr"]`).AttrOr("src", ""), "data:image/png;base64,") {
		t.Fatalf("no secret or QR code on the set-up page:\n%s", handlertest.Excerpt(rec.Body.String()))
	}
	code, err := models.TOTPCode(secret, b.F.Now())
	if err != nil {
		t.Fatal(err)
	}
	rec = b.Post("/account/totp", url.Values{"code": {code}})
	b.MustStatus(rec, http.StatusOK)
	codes := handlertest.Texts(handlertest.Parse(t, rec).Find(`[data-testid="recovery-code"]`))
	if len(codes) != models.RecoveryCodeCount {
		t.Fatalf("%d recovery codes shown", len(codes))
	}
	return secret, codes
}

func TestALoginWithAnAppAsksForItsCodeAndReachesNothingBefore(t *testing.T) {
	f := handlertest.New(t)
	owner := f.Login(handlertest.OwnerEmail)
	secret, codes := enrolTOTPThroughThePages(t, owner)

	b := f.Anon()
	b.MustStatus(b.Get("/login"), http.StatusOK)
	rec := b.Post("/login", url.Values{"email": {handlertest.OwnerEmail}, "password": {handlertest.Password}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login/verify" {
		t.Fatalf("login: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if b.Cookies["sa_session"] != nil {
		t.Fatal("a session before the second factor")
	}
	// Half logged in: nothing else is open.
	for _, path := range []string{"/", "/orgs/" + handlertest.IDs.Org + "/settings", "/account/security", "/groups/" + handlertest.IDs.Prod + "/clusters"} {
		if rec := b.Get(path); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
			t.Errorf("%s before the second factor: %d %q", path, rec.Code, rec.Header().Get("Location"))
		}
	}
	b.MustStatus(b.Get("/login/verify"), http.StatusOK)
	b.MustStatus(b.Post("/login/verify", url.Values{"code": {"12345x"}}), http.StatusUnauthorized)
	// The enrolment's code is spent; the app's next one logs in, once.
	f.Advance(models.TOTPPeriod * time.Second)
	code, _ := models.TOTPCode(secret, f.Now())
	rec = b.Post("/login/verify", url.Values{"code": {code}})
	if rec.Code != http.StatusSeeOther || b.Cookies["sa_session"] == nil {
		t.Fatalf("the right code: %d, session cookie %v", rec.Code, b.Cookies["sa_session"] != nil)
	}
	b.MustStatus(b.Get("/orgs/"+handlertest.IDs.Org+"/settings"), http.StatusOK)

	again := f.Anon()
	again.MustStatus(again.Get("/login"), http.StatusOK)
	again.MustStatus(again.Post("/login", url.Values{"email": {handlertest.OwnerEmail}, "password": {handlertest.Password}}), http.StatusSeeOther)
	again.MustStatus(again.Post("/login/verify", url.Values{"code": {code}}), http.StatusUnauthorized)
	// A recovery code works once.
	again.MustStatus(again.Post("/login/verify", url.Values{"code": {codes[0]}}), http.StatusSeeOther)
	third := f.Anon()
	third.MustStatus(third.Get("/login"), http.StatusOK)
	third.MustStatus(third.Post("/login", url.Values{"email": {handlertest.OwnerEmail}, "password": {handlertest.Password}}), http.StatusSeeOther)
	third.MustStatus(third.Post("/login/verify", url.Values{"code": {codes[0]}}), http.StatusUnauthorized)
}

func TestASyncDataGrantAsksForTheSecondFactorAgainAfterAWhile(t *testing.T) {
	f := handlertest.New(t)
	owner := f.Login(handlertest.OwnerEmail)
	secret, _ := enrolTOTPThroughThePages(t, owner)
	f.Advance(models.StepUpWindow + time.Minute)
	grant := "/groups/" + handlertest.IDs.Prod + "/clusters/orders-prod/grant"
	rec := owner.HxPost(grant, url.Values{"grantType": {string(models.GrantInfrastructureSync)}, "requestKey": {"k1"}})
	if got := rec.Header().Get("HX-Redirect"); !strings.HasPrefix(got, "/account/verify?next=") {
		t.Fatalf("a sync-data grant with an old second factor: %d, HX-Redirect %q", rec.Code, got)
	}
	if n := f.OpenGrants(); n != 0 {
		t.Fatalf("%d grants made before the second factor", n)
	}
	owner.MustStatus(owner.Get("/account/verify?next="+url.QueryEscape(grant)), http.StatusOK)
	code, _ := models.TOTPCode(secret, f.Now())
	rec = owner.Post("/account/verify", url.Values{"code": {code}, "next": {grant}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != grant {
		t.Fatalf("step up: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	rec = owner.HxPost(grant, url.Values{"grantType": {string(models.GrantInfrastructureSync)}, "requestKey": {"k2"}})
	if rec.Header().Get("HX-Redirect") != "" || f.OpenGrants() != 1 {
		t.Fatalf("the grant after stepping up: %d %q, %d open grants", rec.Code, rec.Header().Get("HX-Redirect"), f.OpenGrants())
	}
}
