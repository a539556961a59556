package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"supportaccess/handlers/internal/handlertest"
	"supportaccess/models"
	"supportaccess/models/store/storetest"
)

// TestOwnerUnlocksALockedMember: guesses from elsewhere lock a member out;
// the owner sees them on Organization Settings, unlocks them, the member
// logs in at once, and the feed says who unlocked whom. A member cannot
// unlock, and an address outside the organization is not found.
func TestOwnerUnlocksALockedMember(t *testing.T) {
	f := handlertest.New(t)
	for i := range models.LoginMaxAccountFailures {
		b := handlertest.NewBrowserAt(t, f.Echo, "198.51.100."+string(rune('1'+i))+":1000")
		if res := b.Login(handlertest.ReaderEmail, "not the password"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d", i+1, res.StatusCode)
		}
	}
	if res := handlertest.NewBrowserAt(t, f.Echo, "203.0.113.50:1000").Login(handlertest.ReaderEmail, handlertest.Password); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("locked member, right password: %d, want 429", res.StatusCode)
	}
	settings := "/orgs/" + handlertest.IDs.Org + "/settings"
	member := f.Login(handlertest.MemberEmail)
	if body := member.Get(settings).Body.String(); strings.Contains(body, `data-testid="locked-logins"`) {
		t.Fatal("a member who is not an owner sees the locked logins")
	}
	if rec := member.Post(settings+"/unlock", url.Values{"member": {handlertest.ReaderEmail}}); rec.Code != http.StatusForbidden {
		t.Fatalf("a member unlocks: %d, want 403", rec.Code)
	}
	owner := f.Login(handlertest.OwnerEmail)
	page := owner.Get(settings).Body.String()
	if !strings.Contains(page, `data-testid="locked-logins"`) || !strings.Contains(page, handlertest.ReaderEmail) {
		t.Fatalf("the owner does not see the locked member: %.3000s", page)
	}
	before := f.Count(&models.Event{})
	if rec := owner.Post(settings+"/unlock", url.Values{"member": {handlertest.GlobexEmail}}); rec.Code != http.StatusNotFound {
		t.Fatalf("unlocking another organization's user: %d, want 404", rec.Code)
	}
	if n := f.Count(&models.Event{}); n != before {
		t.Fatalf("a refused unlock wrote %d events", n-before)
	}
	if rec := owner.Post(settings+"/unlock", url.Values{"member": {handlertest.ReaderEmail}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("the owner's unlock: %d", rec.Code)
	}
	if body := owner.Get(settings).Body.String(); !strings.Contains(body, "are unlocked") || strings.Contains(body, `data-testid="locked-logins"`) {
		t.Fatalf("after the unlock the page does not say so, or still lists the lock: %.3000s", body)
	}
	if res := handlertest.NewBrowserAt(t, f.Echo, "203.0.113.50:1000").Login(handlertest.ReaderEmail, handlertest.Password); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the unlocked member cannot log in: %d", res.StatusCode)
	}
	var n int64
	if err := storetest.DB(f.Store).Model(&models.Event{}).Where("type = ? AND org_id = ? AND actor_name = ?", models.EventLoginUnlocked, handlertest.IDs.Org, handlertest.OwnerEmail).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d unlock events by the owner, want 1", n)
	}
}
