package console

import (
	"context"

	"github.com/labstack/echo/v4"
)

// LinkSender emails a person their one-time password link (an invitation
// or a reset). Without one (Config.Links nil) the owner who made the link
// is shown it, to pass on themselves.
type LinkSender interface {
	SendPasswordLink(ctx context.Context, to, orgName, link string, invitation bool) error
}

// linkURL is the absolute address of a password link: the configured
// public address when there is one, which a link sent by email must use
// (a Host header is the client's to choose), else the address this
// owner's request came to.
func (h *Handler) linkURL(c echo.Context, token string) string {
	base := h.publicURL
	if base == "" {
		base = c.Scheme() + "://" + c.Request().Host
	}
	return base + "/password-link/" + token
}
