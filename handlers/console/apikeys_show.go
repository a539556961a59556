package console

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/views"
)

// APIKeysShow renders the API Keys page of an organization, for its owners.
func (h *Handler) APIKeysShow(c echo.Context) error {
	a, err := h.apiKeysPage(c)
	if err != nil {
		return err
	}
	return httpx.Render(c, http.StatusOK, views.APIKeysPageView(a))
}

// apiKeysPage loads the page's data; the store refuses anyone but an
// organization owner (not found for outsiders, forbidden for members).
func (h *Handler) apiKeysPage(c echo.Context) (views.APIKeysPage, error) {
	ctx := c.Request().Context()
	p := httpx.Principal(c)
	var a views.APIKeysPage
	org, err := h.store.Org(ctx, p, c.Param("orgId"))
	if err != nil {
		return a, err
	}
	keys, err := h.store.APIKeys(ctx, p, org.ID)
	if err != nil {
		return a, err
	}
	accounts, err := h.store.ServiceAccounts(ctx, p, org.ID)
	if err != nil {
		return a, err
	}
	page, err := h.orgLayout(c, org, "apikeys")
	if err != nil {
		return a, err
	}
	page.Title = "API Keys"
	a = views.APIKeysPage{Page: page, Org: org, Keys: keys, Accounts: accounts, Projects: page.Projects,
		KeyForm:     views.CredentialForm{Role: string(models.OrgReadOnly), RequestKey: models.RandomToken(requestKeyBytes)},
		AccountForm: views.CredentialForm{Role: string(models.OrgReadOnly), RequestKey: models.RandomToken(requestKeyBytes)}}
	return a, nil
}
