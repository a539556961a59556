package console

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
	"supportaccess/views"
)

// credentialForm reads a create form.
func credentialForm(c echo.Context) (views.CredentialForm, models.CredentialRequest) {
	f := views.CredentialForm{Description: c.FormValue("description"), Role: c.FormValue("role"), ProjectID: c.FormValue("project"),
		RequestKey: c.FormValue("requestKey")}
	role := models.Role(f.Role)
	projectID := f.ProjectID
	if !role.IsProjectRole() {
		// The project choice only matters for a project role.
		projectID = ""
	}
	return f, models.CredentialRequest{OrgID: c.Param("orgId"), Description: f.Description, Role: role, ProjectID: projectID,
		RequestKey: f.RequestKey}
}

// APIKeyCreate creates an API key and shows its private key, once, in
// this answer; nothing else ever shows it again.
func (h *Handler) APIKeyCreate(c echo.Context) error {
	f, req := credentialForm(c)
	k, private, err := h.store.CreateAPIKey(c.Request().Context(), httpx.Actor(c), req)
	return h.credentialCreated(c, err, f, func(a *views.APIKeysPage) *views.CredentialForm { return &a.KeyForm },
		views.NewSecret{Kind: "API key", IDLabel: "Public key", ID: k.PublicKey, SecLabel: "Private key", Secret: private})
}

// ServiceAccountCreate creates a service account and shows its client
// secret once.
func (h *Handler) ServiceAccountCreate(c echo.Context) error {
	f, req := credentialForm(c)
	sa, secret, err := h.store.CreateServiceAccount(c.Request().Context(), httpx.Actor(c), req)
	return h.credentialCreated(c, err, f, func(a *views.APIKeysPage) *views.CredentialForm { return &a.AccountForm },
		views.NewSecret{Kind: "Service account", IDLabel: "Client ID", ID: sa.ClientID, SecLabel: "Client secret", Secret: secret})
}

// credentialCreated answers a create form: on a refusal the page with the
// form (the one form picks) filled in again and the reason; when the form
// was already used (a reload, a double click), the page with which
// credential it made and no secret; otherwise the page with the new
// secret, shown this once. Every form on the page carries a fresh request
// key, so only a deliberate new submission creates another credential.
func (h *Handler) credentialCreated(c echo.Context, err error, f views.CredentialForm, form func(*views.APIKeysPage) *views.CredentialForm, secret views.NewSecret) error {
	a, perr := h.apiKeysPage(c)
	if perr != nil {
		return perr
	}
	switch models.ErrorCode(err) {
	case "":
		a.NewSecret = &secret
		return httpx.Render(c, http.StatusOK, views.APIKeysPageView(a))
	case models.EINVALID:
		f.RequestKey = form(&a).RequestKey
		f.Error = models.ErrorMessage(err)
		*form(&a) = f
		return httpx.Render(c, http.StatusUnprocessableEntity, views.APIKeysPageView(a))
	case models.ECONFLICT:
		// The fields are not filled in again: one more click on them would
		// create a second credential, which is what the owner just avoided.
		form(&a).Error = models.ErrorMessage(err)
		return httpx.Render(c, http.StatusConflict, views.APIKeysPageView(a))
	}
	return err
}
