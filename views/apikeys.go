package views

import "supportaccess/models"

// APIKeysPage is an organization's API keys and service accounts, for its
// owners, with the forms that create them. A new secret is shown once, in
// the answer to the form that made it.
type APIKeysPage struct {
	Page        Page
	Org         models.Organization
	Keys        []models.APIKey
	Accounts    []models.ServiceAccount
	Projects    []models.ProjectSummary
	KeyForm     CredentialForm
	AccountForm CredentialForm
	NewSecret   *NewSecret
}

// CredentialForm is the values and error of a create form. RequestKey is
// fresh for every rendered form: the server creates one credential per key,
// so a reloaded or double-clicked form cannot mint a second one.
type CredentialForm struct {
	Description string
	Role        string
	ProjectID   string
	RequestKey  string
	Error       string
}

// NewSecret is a credential just made: its public half and its secret,
// which the server does not keep.
type NewSecret struct {
	Kind     string // "API key" or "Service account"
	IDLabel  string // "Public key" or "Client ID"
	ID       string
	Secret   string
	SecLabel string // "Private key" or "Client secret"
}

// Roles lists the roles a credential may carry, in the forms' order.
var Roles = []models.Role{models.OrgOwner, models.OrgMember, models.OrgReadOnly,
	models.ProjectOwner, models.ProjectSupportAccessManager, models.ProjectReadOnly}

func (a APIKeysPage) projectName(id string) string {
	for _, p := range a.Projects {
		if p.ID == id {
			return p.Name
		}
	}
	return id
}

func (a APIKeysPage) roleText(r models.Role, projectID string) string {
	if r.IsProjectRole() {
		return r.Label() + " · " + a.projectName(projectID)
	}
	return r.Label()
}
