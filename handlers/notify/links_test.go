package notify_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"supportaccess/models"
	"supportaccess/models/store"
)

// TestAnInvitationIsMailedWithItsLink: the console's invitation (and a
// reset) reaches the invitee through the real SMTP server with the link,
// the organization and when the link ends; without email there is
// nothing to send with, and the owner is shown the link instead.
func TestAnInvitationIsMailedWithItsLink(t *testing.T) {
	smtpURL, apiURL := mailpit(t)
	s, err := store.Open(filepath.Join(t.TempDir(), "links.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	to := models.NewID(s.Now()) + "@invitee.test"
	link := "https://console.test/password-link/abc123"
	if err := newWorker(t, s, smtpURL).SendPasswordLink(ctx, to, "Acme Corp", link, true); err != nil {
		t.Fatal(err)
	}
	msgs := mailTo(t, apiURL, to, 1)
	if len(msgs) != 1 {
		t.Fatalf("%d messages to the invitee, want 1", len(msgs))
	}
	m := msgs[0]
	if !strings.Contains(m.Subject, "invited to Acme Corp") || !strings.Contains(m.Text, link) || !strings.Contains(m.HTML, link) ||
		!strings.Contains(m.Text, "Link valid until") || strings.Contains(m.Text, "alert of the project") {
		t.Fatalf("the invitation does not say what it should:\nsubject %q\n%s", m.Subject, m.Text)
	}
	if err := newWorker(t, s, "").SendPasswordLink(ctx, to, "Acme Corp", link, false); err == nil {
		t.Fatal("without SMTP the link was reported sent")
	}
}
