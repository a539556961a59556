package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/models"
	"supportaccess/views"
)

// apiKeysShow renders the API Keys page of an organization, for its owners.
func (s *Server) apiKeysShow(c echo.Context) error {
	a, err := s.apiKeysPage(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.APIKeysPageView(a))
}

// apiKeysPage loads the page's data; the store refuses anyone but an
// organization owner (not found for outsiders, forbidden for members).
func (s *Server) apiKeysPage(c echo.Context) (views.APIKeysPage, error) {
	ctx := c.Request().Context()
	p := principal(c)
	var a views.APIKeysPage
	org, err := s.store.Org(ctx, p, c.Param("orgId"))
	if err != nil {
		return a, err
	}
	keys, err := s.store.APIKeys(ctx, p, org.ID)
	if err != nil {
		return a, err
	}
	accounts, err := s.store.ServiceAccounts(ctx, p, org.ID)
	if err != nil {
		return a, err
	}
	page, err := s.orgLayout(c, org, "apikeys")
	if err != nil {
		return a, err
	}
	page.Title = "API Keys"
	a = views.APIKeysPage{Page: page, Org: org, Keys: keys, Accounts: accounts, Projects: page.Projects,
		KeyForm:     views.CredentialForm{Role: string(models.OrgReadOnly), RequestKey: models.RandomToken(requestKeyBytes)},
		AccountForm: views.CredentialForm{Role: string(models.OrgReadOnly), RequestKey: models.RandomToken(requestKeyBytes)}}
	return a, nil
}
