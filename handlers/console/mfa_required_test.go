package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"supportaccess/handlers/internal/handlertest"
)

func TestRequiredMFASendsAMemberWithoutAFactorToEnrolFirst(t *testing.T) {
	f := handlertest.New(t)
	settings := "/orgs/" + handlertest.IDs.Org + "/settings"
	owner := f.Login(handlertest.OwnerEmail)
	// An owner without a factor cannot require one of everyone.
	owner.MustStatus(owner.Post(settings+"/mfa", url.Values{"multiFactorAuthRequired": {"true"}}), http.StatusSeeOther)
	if strings.Contains(owner.Get(settings).Body.String(), `data-testid="mfa-toggle" aria-checked="true"`) {
		t.Fatal("required without the owner's own second factor")
	}
	enrolTOTPThroughThePages(t, owner)
	owner.MustStatus(owner.Post(settings+"/mfa", url.Values{"multiFactorAuthRequired": {"true"}}), http.StatusSeeOther)
	doc := handlertest.Parse(t, owner.Get(settings))
	if doc.Find(`[data-testid="mfa-toggle"]`).AttrOr("aria-checked", "") != "true" {
		t.Fatal("the requirement is not on")
	}
	if !strings.Contains(handlertest.Text(doc.Find(`[data-testid="mfa-missing"]`)), "members") {
		t.Error("owners are not told who has no second factor")
	}
	pending := handlertest.Texts(handlertest.Parse(t, owner.Get("/orgs/"+handlertest.IDs.Org+"/members")).Find(`[data-testid="mfa-pending-member"]`))
	if !strings.Contains(strings.Join(pending, " "), handlertest.MemberEmail) || strings.Contains(strings.Join(pending, " "), handlertest.OwnerEmail) {
		t.Errorf("members without a factor: %q", pending)
	}

	b := f.Anon()
	b.MustStatus(b.Get("/login"), http.StatusOK)
	rec := b.Post("/login", url.Values{"email": {handlertest.MemberEmail}, "password": {handlertest.Password}})
	if rec.Header().Get("Location") != "/account/security" || b.Cookies["sa_session"] != nil {
		t.Fatalf("login without a factor: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	for _, path := range []string{"/", settings, "/orgs/" + handlertest.IDs.Org + "/activity", "/account/password", "/account/verify"} {
		if rec := b.Get(path); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
			t.Errorf("%s before enrolling: %d %q", path, rec.Code, rec.Header().Get("Location"))
		}
	}
	if rec := b.Post("/orgs/"+handlertest.IDs.Org+"/members", url.Values{"email": {"x@acme.test"}, "role": {"ORG_OWNER"}}); rec.Code != http.StatusUnauthorized {
		t.Errorf("a change before enrolling: %d", rec.Code)
	}
	page := b.Get("/account/security")
	b.MustStatus(page, http.StatusOK)
	if handlertest.Parse(t, page).Find(`[data-testid="enrol-required"]`).Length() != 1 {
		t.Error("the security page does not say why")
	}
	enrolTOTPThroughThePages(t, b)
	if b.Cookies["sa_session"] == nil {
		t.Fatal("enrolling did not start the session")
	}
	b.MustStatus(b.Get(settings), http.StatusOK)

	// The owner's only factor cannot be removed while it is required.
	owner.MustStatus(owner.Post("/account/totp/remove", url.Values{}), http.StatusUnprocessableEntity)
}
