package views

import (
	"strings"

	"github.com/a-h/templ"

	"supportaccess/models"
)

// SecurityPage is the account's security page: the second factors, and
// the password.
type SecurityPage struct {
	Page         Page
	TOTP         bool
	RecoveryLeft int
	Passkeys     []models.Passkey
	// Enrolling is a login that must enrol a factor before anything else.
	Enrolling bool
	Error     string
}

// TOTPSetup is the authenticator app's set-up page: the QR code (a PNG as
// a data: URL, made by the handler) and the secret as text, and the form
// that confirms them with a first code.
type TOTPSetup struct {
	Page    Page
	QR      templ.SafeURL // our own data: URL, which templ would otherwise refuse
	Secret  string
	Account string
	Error   string
}

// RecoveryCodesPage shows new recovery codes, this once.
type RecoveryCodesPage struct {
	Page  Page
	Codes []string
	Next  string
}

// VerifyPage asks for the second factor: after the password (Action
// "/login/verify"), or again before a sensitive change ("/account/verify").
type VerifyPage struct {
	Page     Page
	Action   string
	Next     string
	Passkeys bool
	StepUp   bool
	Error    string
}

// groupSecret writes a base32 secret in groups of four, as people copy it.
func groupSecret(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
