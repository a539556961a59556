package console

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/views"
)

// A login that passed the password and waits for its second factor (or,
// under an organization's requirement, for one to be enrolled) is not a
// session: its own signed cookie names a pending login row, and only the
// second factor's pages read it. Every other page sees nobody logged in.

const (
	pendingCookie = "sa_pending"
	ctxEnrolling  = "enrolling"
)

// setPending gives the browser the pending login's token.
func (h *Handler) setPending(c echo.Context, token string) error {
	sess, _ := h.sessions.New(c.Request(), pendingCookie)
	sess.Options.MaxAge = int(models.PendingLoginLifetime.Seconds())
	sess.Values["t"] = token
	return sess.Save(c.Request(), c.Response())
}

// pendingToken is the token of the browser's pending login, "" if none.
func (h *Handler) pendingToken(c echo.Context) string {
	if ck, err := c.Cookie(pendingCookie); err != nil || ck.Value == "" {
		return ""
	}
	sess, err := h.sessions.Get(c.Request(), pendingCookie)
	if err != nil {
		return ""
	}
	t, _ := sess.Values["t"].(string)
	return t
}

// clearPending forgets the pending login, in the browser and the store.
func (h *Handler) clearPending(c echo.Context) error {
	if t := h.pendingToken(c); t != "" {
		if err := h.store.EndPendingLogin(c.Request().Context(), t); err != nil {
			return err
		}
	}
	sess, _ := h.sessions.New(c.Request(), pendingCookie)
	sess.Options.MaxAge = -1
	return sess.Save(c.Request(), c.Response())
}

// pending reads the browser's pending login and its user.
func (h *Handler) pending(c echo.Context) (models.PendingLogin, models.User, error) {
	return h.store.PendingLogin(c.Request().Context(), h.pendingToken(c))
}

// Enrolling lets a pending login that must enrol a second factor reach
// the routes it guards (the account's security pages) as its user, with
// no role anywhere: an organization requires the factor before anything
// else. A logged-in request passes as it is.
func (h *Handler) Enrolling(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, ok := httpx.LoggedIn(c); ok || h.pendingToken(c) == "" {
			return next(c)
		}
		pl, u, err := h.pending(c)
		if models.ErrorCode(err) == models.EINTERNAL {
			return err
		}
		if err == nil && pl.Stage == models.StageEnrol {
			httpx.SetPrincipal(c, models.Principal{Kind: models.ActorUser, ID: u.ID, Name: u.Email, OrgRoles: map[string]models.Role{}, ProjectRoles: map[string]models.Role{}})
			c.Set(ctxEnrolling, true)
		}
		return next(c)
	}
}

// enrolling reports whether the request is a pending login enrolling.
func enrolling(c echo.Context) bool { b, _ := c.Get(ctxEnrolling).(bool); return b }

// startSession gives the browser a new session, replacing any it had.
func (h *Handler) startSession(c echo.Context, ss models.Session) error {
	if old, ok := httpx.Session(c); ok {
		_ = h.store.EndSession(c.Request().Context(), old.ID)
	}
	sess, _ := h.sessions.New(c.Request(), httpx.SessionCookie)
	sess.Values["sid"] = ss.ID
	return sess.Save(c.Request(), c.Response())
}

// completeLogin turns the browser's pending login into a session (its
// second factor passed now when verified) and returns where it was going.
func (h *Handler) completeLogin(c echo.Context, pl models.PendingLogin, verified bool) (string, error) {
	ss, err := h.store.CompletePendingLogin(c.Request().Context(), h.pendingToken(c), verified)
	if err != nil {
		return "", err
	}
	if err := h.startSession(c, ss); err != nil {
		return "", err
	}
	sess, _ := h.sessions.New(c.Request(), pendingCookie)
	sess.Options.MaxAge = -1
	if err := sess.Save(c.Request(), c.Response()); err != nil {
		return "", err
	}
	if pl.Next == "" {
		return "/", nil
	}
	return pl.Next, nil
}

// toLogin sends a browser whose pending login is gone back to log in.
func toLogin(c echo.Context) error {
	if httpx.IsPartial(c) || c.Request().Method != http.MethodGet {
		return models.Errorf(models.EUNAUTHORIZED, "Your login took too long or has ended. Log in again.")
	}
	return c.Redirect(http.StatusSeeOther, "/login")
}

// accountLayout is the layout of the account's own pages: the
// Organizations menu of a logged-in user (none for a login enrolling,
// which has no role yet).
func (h *Handler) accountLayout(c echo.Context) (views.Page, error) {
	p := h.layout(c)
	if enrolling(c) {
		return p, nil
	}
	orgs, err := h.store.Orgs(c.Request().Context(), httpx.Principal(c))
	p.Orgs = orgs
	return p, err
}
