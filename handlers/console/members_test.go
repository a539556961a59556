package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
)

func TestAnInvitationLinkIsShownToTheOwnerAndWorksOnce(t *testing.T) {
	f := handlertest.New(t)
	members := "/orgs/" + handlertest.IDs.Org + "/members"
	owner := f.Login(handlertest.OwnerEmail)
	rec := owner.Post(members, url.Values{"email": {"not an email"}, "role": {string(models.OrgMember)}})
	owner.MustStatus(rec, http.StatusUnprocessableEntity)
	if handlertest.Parse(t, rec).Find(`[data-testid="invite-error"]`).Length() != 1 {
		t.Error("a bad email is not explained")
	}
	rec = owner.Post(members, url.Values{"email": {"Newcomer@Acme.test"}, "role": {string(models.OrgReadOnly)}})
	owner.MustStatus(rec, http.StatusOK)
	link := handlertest.Parse(t, rec).Find(`[data-testid="password-link-url"]`).AttrOr("value", "")
	u, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(u.Path, "/password-link/") {
		t.Fatalf("the link shown: %q", link)
	}

	b := f.Anon()
	page := b.Get(u.Path)
	b.MustStatus(page, http.StatusOK)
	if !strings.Contains(handlertest.Text(handlertest.Parse(t, page).Find("h1")), "Join") {
		t.Fatal("the link's page does not invite")
	}
	b.MustStatus(b.Post(u.Path, url.Values{"new": {"short"}}), http.StatusUnprocessableEntity)
	rec = b.Post(u.Path, url.Values{"new": {"a long enough password 1"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login" {
		t.Fatalf("setting the password: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		rec := b.Do(method, u.Path, handlertest.WithCSRF(url.Values{"new": {"another long password 2"}}, b.CSRF()), nil)
		if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "no longer works") {
			t.Errorf("%s of a used link: %d", method, rec.Code)
		}
	}
	if rec := b.Get("/password-link/" + strings.Repeat("f", 64)); rec.Code != http.StatusNotFound {
		t.Errorf("an unknown link: %d", rec.Code)
	}
	in := f.Anon()
	in.MustStatus(in.Get("/login"), http.StatusOK)
	if rec := in.Post("/login", url.Values{"email": {"newcomer@acme.test"}, "password": {"a long enough password 1"}}); rec.Code != http.StatusSeeOther || in.Cookies["sa_session"] == nil {
		t.Fatalf("logging in with the password set through the link: %d", rec.Code)
	}
}

func TestEveryoneSeesTheOwnersAndOnlyOwnersManage(t *testing.T) {
	f := handlertest.New(t)
	members := "/orgs/" + handlertest.IDs.Org + "/members"
	reader := f.Login(handlertest.ReaderEmail)
	doc := handlertest.Parse(t, reader.Get(members))
	owners := handlertest.Texts(doc.Find(`[data-testid="owner"]`))
	if len(owners) != 1 || owners[0] != handlertest.OwnerEmail || doc.Find(`[data-testid="members-table"]`).Length() != 0 {
		t.Fatalf("a reader sees owners %q and the table %d times", owners, doc.Find(`[data-testid="members-table"]`).Length())
	}
	owner := f.Login(handlertest.OwnerEmail)
	ownerID := f.Actor(handlertest.OwnerEmail).ID
	rec := owner.Post(members+"/"+ownerID+"/remove", url.Values{})
	owner.MustStatus(rec, http.StatusUnprocessableEntity)
	if !strings.Contains(handlertest.Text(handlertest.Parse(t, rec).Find(`[data-testid="form-error"]`)), "last Organization Owner") {
		t.Error("removing the last owner is not explained")
	}
	owner.MustStatus(owner.Post(members+"/"+ownerID+"/roles", url.Values{"orgRole": {string(models.OrgMember)}}), http.StatusUnprocessableEntity)
	owner.MustStatus(owner.Post(members+"/"+ownerID+"/roles", url.Values{"orgRole": {"ORG_EMPEROR"}}), http.StatusUnprocessableEntity)
	owner.MustStatus(owner.Get(members+"/"+strings.Repeat("0", 24)), http.StatusNotFound)

	// The reader, made a Project Owner of Production, keeps their session.
	readerID := f.Actor(handlertest.ReaderEmail).ID
	owner.MustStatus(owner.Post(members+"/"+readerID+"/roles", url.Values{"orgRole": {string(models.OrgMember)},
		"project." + handlertest.IDs.Prod: {string(models.ProjectOwner)}}), http.StatusSeeOther)
	reader.MustStatus(reader.Get("/groups/"+handlertest.IDs.Prod+"/clusters/orders-prod/grant"), http.StatusOK)
	// Removed, they are signed out at once.
	owner.MustStatus(owner.Post(members+"/"+readerID+"/remove", url.Values{}), http.StatusSeeOther)
	if rec := reader.Get(members); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
		t.Fatalf("a removed member's session: %d %q", rec.Code, rec.Header().Get("Location"))
	}
}
