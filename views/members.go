package views

import (
	"time"

	"supportaccess/models"
)

// MembersPage is an organization's People page. Owners see every member
// with their roles and the invite form; everyone else sees who the owners
// are, whom to ask.
type MembersPage struct {
	Page      Page
	Org       models.Organization
	Members   []MemberRow
	Projects  []models.ProjectSummary
	CanManage bool
	// MFARequired is the organization's setting: owners then see who has
	// not yet enrolled a second factor.
	MFARequired bool
	Invite      InviteForm
	Link        *NewLink
}

// MemberRow is one member as the People pages show them.
type MemberRow struct {
	UserID       string
	Email        string
	OrgRole      models.Role
	ProjectRoles map[string]models.Role
	Joined       bool
	SecondFactor bool
}

// InviteForm is the invite form's values and error.
type InviteForm struct {
	Email, Role, ProjectID, Error string
}

// NewLink is a one-time password link just made, shown to the owner when
// it could not be (or was not) sent by email.
type NewLink struct {
	Email      string
	URL        string
	Invitation bool
	Sent       bool
	Expires    time.Time
}

// MemberPage is one member's page for an owner: their roles, the reset
// and remove actions.
type MemberPage struct {
	Page     Page
	Org      models.Organization
	Member   MemberRow
	Projects []models.ProjectSummary
	IsSelf   bool
	Error    string
	Link     *NewLink
}

// PasswordLinkPage is the page behind an invitation or reset link.
type PasswordLinkPage struct {
	Page       Page
	Token      string
	Email      string
	OrgName    string
	Invitation bool
	Error      string
	// Unusable is true when the link itself is spent or expired: no form.
	Unusable bool
}

// projectRoleText lists a member's project roles by project name.
func (m MemberRow) projectRoleText(projects []models.ProjectSummary) []string {
	var out []string
	for _, p := range projects {
		if r := m.ProjectRoles[p.ID]; r != "" {
			out = append(out, p.Name+": "+r.Label())
		}
	}
	return out
}

func memberURL(orgID, userID, rest string) string { return orgURL(orgID, "/members/"+userID+rest) }
