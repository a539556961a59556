package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/models"
	"supportaccess/views"
)

// credentialForm reads a create form.
func credentialForm(c echo.Context) (views.CredentialForm, models.CredentialRequest) {
	f := views.CredentialForm{Description: c.FormValue("description"), Role: c.FormValue("role"), ProjectID: c.FormValue("project")}
	role := models.Role(f.Role)
	projectID := f.ProjectID
	if !role.IsProjectRole() {
		// The project choice only matters for a project role.
		projectID = ""
	}
	return f, models.CredentialRequest{OrgID: c.Param("orgId"), Description: f.Description, Role: role, ProjectID: projectID}
}

// apiKeyCreate creates an API key and shows its private key, once, in
// this answer; nothing else ever shows it again.
func (s *Server) apiKeyCreate(c echo.Context) error {
	f, req := credentialForm(c)
	k, private, err := s.store.CreateAPIKey(c.Request().Context(), actor(c), req)
	return s.credentialCreated(c, err, f, func(a *views.APIKeysPage) *views.CredentialForm { return &a.KeyForm },
		views.NewSecret{Kind: "API key", IDLabel: "Public key", ID: k.PublicKey, SecLabel: "Private key", Secret: private})
}

// serviceAccountCreate creates a service account and shows its client
// secret once.
func (s *Server) serviceAccountCreate(c echo.Context) error {
	f, req := credentialForm(c)
	sa, secret, err := s.store.CreateServiceAccount(c.Request().Context(), actor(c), req)
	return s.credentialCreated(c, err, f, func(a *views.APIKeysPage) *views.CredentialForm { return &a.AccountForm },
		views.NewSecret{Kind: "Service account", IDLabel: "Client ID", ID: sa.ClientID, SecLabel: "Client secret", Secret: secret})
}

// credentialCreated answers a create form: on a refusal the page with the
// form (the one form picks) filled in again and the reason, otherwise the
// page with the new secret, shown this once.
func (s *Server) credentialCreated(c echo.Context, err error, f views.CredentialForm, form func(*views.APIKeysPage) *views.CredentialForm, secret views.NewSecret) error {
	a, perr := s.apiKeysPage(c)
	if perr != nil {
		return perr
	}
	if models.ErrorCode(err) == models.EINVALID {
		f.Error = models.ErrorMessage(err)
		*form(&a) = f
		return render(c, http.StatusUnprocessableEntity, views.APIKeysPageView(a))
	}
	if err != nil {
		return err
	}
	a.NewSecret = &secret
	return render(c, http.StatusOK, views.APIKeysPageView(a))
}
