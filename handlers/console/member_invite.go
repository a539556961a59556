package console

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/models/store"
	"supportaccess/views"
)

// MemberInvite invites a person with a role and answers with the Members
// page: with the one-time link to pass on, or saying it was emailed.
func (h *Handler) MemberInvite(c echo.Context) error {
	ctx := c.Request().Context()
	f := views.InviteForm{Email: c.FormValue("email"), Role: c.FormValue("role"), ProjectID: c.FormValue("project")}
	inv := store.Invitation{Email: f.Email, Role: models.Role(f.Role), ProjectID: f.ProjectID}
	if !inv.Role.IsProjectRole() {
		inv.ProjectID = ""
	}
	u, token, err := h.store.InviteMember(ctx, httpx.Actor(c), c.Param("orgId"), inv)
	if models.ErrorCode(err) == models.EINVALID {
		m, perr := h.membersPage(c)
		if perr != nil {
			return perr
		}
		f.Error = models.ErrorMessage(err)
		m.Invite = f
		return httpx.Render(c, http.StatusUnprocessableEntity, views.MembersPageView(m))
	}
	if err != nil {
		return err
	}
	m, err := h.membersPage(c)
	if err != nil {
		return err
	}
	if token == "" {
		m.Page.Flash = u.Email + " already had a login and is now a member."
		return httpx.Render(c, http.StatusOK, views.MembersPageView(m))
	}
	if m.Link, err = h.handOver(c, m.Org, u.Email, token, true); err != nil {
		return err
	}
	return httpx.Render(c, http.StatusOK, views.MembersPageView(m))
}

// handOver sends a new password link by email when the server can, and
// returns what the owner is shown of it: the link itself when it was not
// sent.
func (h *Handler) handOver(c echo.Context, org models.Organization, email, token string, invitation bool) (*views.NewLink, error) {
	l := &views.NewLink{Email: email, URL: h.linkURL(c, token), Invitation: invitation, Expires: h.store.Now().Add(models.PasswordLinkLifetime)}
	if h.links != nil {
		// A mail server that fails now does not cost the owner the link:
		// they are shown it to pass on, as without email.
		if err := h.links.SendPasswordLink(c.Request().Context(), email, org.Name, l.URL, invitation); err == nil {
			l.Sent, l.URL = true, ""
		}
	}
	return l, nil
}
