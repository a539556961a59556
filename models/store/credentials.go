package store

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"supportaccess/models"
)

// validateCredential checks a request: a description, a known role, and a
// project of the same organization exactly when the role is a project role.
func (s *Store) validateCredential(ctx context.Context, req *models.CredentialRequest) error {
	req.Description = strings.TrimSpace(req.Description)
	if req.Description == "" || utf8.RuneCountInString(req.Description) > 250 {
		return models.FieldError("description", "A description of 1 to 250 characters is required.")
	}
	if _, err := models.ParseRole(string(req.Role)); err != nil {
		return err
	}
	if !req.Role.IsProjectRole() {
		if req.ProjectID != "" {
			return models.FieldError("project", "Role %s is an organization role; it takes no project.", req.Role)
		}
		return nil
	}
	if req.ProjectID == "" {
		return models.FieldError("project", "Role %s needs a project.", req.Role)
	}
	var pr models.Project
	err := s.db.WithContext(ctx).Where("id = ? AND org_id = ?", req.ProjectID, req.OrgID).Limit(1).Find(&pr).Error
	if err != nil {
		return fmt.Errorf("check project: %w", err)
	}
	if pr.ID == "" {
		return models.FieldError("project", "No project with that id in this organization.")
	}
	return nil
}

// credentialKind is what the two kinds of credential differ in where
// their create paths are the same.
type credentialKind struct {
	name        string // as messages name it
	table       string
	idColumn    string // of the id a message names the credential by
	secretLabel string // of the secret shown once
}

var (
	apiKeyKind         = credentialKind{name: "API key", table: "api_keys", idColumn: "public_key", secretLabel: "private key"}
	serviceAccountKind = credentialKind{name: "service account", table: "service_accounts", idColumn: "client_id", secretLabel: "client secret"}
)

// checkCredentialRequest runs the checks before a credential is created:
// authorization, then whether the form was used already, then the fields.
// A form that already created its credential is answered as such even
// when its fields no longer pass (say, its project is gone): a field error
// would show the form again, with a fresh request key, one click from a
// second credential.
func (s *Store) checkCredentialRequest(ctx context.Context, p models.Principal, kind credentialKind, req *models.CredentialRequest) error {
	if err := models.AuthorizeCredentials(p, req.OrgID); err != nil {
		return err
	}
	if err := models.CheckRequestKey(req.RequestKey); err != nil {
		return err
	}
	if err := s.credentialFormUsed(ctx, kind, *req); err != nil {
		return err
	}
	return s.validateCredential(ctx, req)
}

// insertCredential runs insert, which creates one credential of kind and
// its event, in a transaction. When the insert breaks a unique index, the
// same form, submitted at the same moment through another replica, may
// have won: that is answered as the form already used. Any other unique
// violation is returned as it is, for the caller to retry or report.
func (s *Store) insertCredential(ctx context.Context, kind credentialKind, req models.CredentialRequest, insert func(tx *gorm.DB) error) error {
	err := s.db.WithContext(ctx).Transaction(insert)
	if err != nil && isUniqueViolation(err) {
		if used := s.credentialFormUsed(ctx, kind, req); used != nil {
			return used
		}
	}
	return err
}

// credentialError is the error of a failed create: a domain error as it
// is, anything else wrapped with what failed.
func credentialError(kind credentialKind, err error) error {
	if models.ErrorCode(err) != models.EINTERNAL {
		return err
	}
	return fmt.Errorf("create %s: %w", kind.name, err)
}

// credentialFormUsed refuses a request whose form already created a
// credential of kind in the organization. Only that organization's
// credentials are searched, so a request key says nothing about any other
// organization.
func (s *Store) credentialFormUsed(ctx context.Context, kind credentialKind, req models.CredentialRequest) error {
	if req.RequestKey == "" {
		return nil
	}
	var ids []string
	err := s.db.WithContext(ctx).Table(kind.table).Where("org_id = ? AND request_key = ?", req.OrgID, req.RequestKey).
		Limit(1).Pluck(kind.idColumn, &ids).Error
	if err != nil {
		return fmt.Errorf("find %s by request key: %w", kind.name, err)
	}
	if len(ids) == 0 {
		return nil
	}
	return alreadyCreated(kind.name, ids[0], kind.secretLabel)
}

// alreadyCreated is the answer to a create form submitted again (a reload,
// a double click, a retried request): which credential the form made, and
// what to do about a secret that cannot be shown again.
func alreadyCreated(kind, id, secretLabel string) error {
	return &models.Error{Code: models.ECONFLICT, Field: "requestKey", Message: fmt.Sprintf(
		"This form already created %s %s; nothing new was created. Its %s was shown only once, when it was created. "+
			"If you did not copy it, delete %s %s and create another.", kind, id, secretLabel, kind, id)}
}

// storedRequestKey is a request key as its column holds it: NULL for none.
func storedRequestKey(key string) *string {
	if key == "" {
		return nil
	}
	return &key
}

// credentialEvent is the activity event of a credential's creation or deletion.
func credentialEvent(t models.EventType, orgID, projectID, detail string) models.Event {
	return models.Event{OrgID: orgID, ProjectID: projectID, Type: t, Detail: detail}
}
