package models

// Role is an organization or project role, named as in the Atlas API.
type Role string

// Organization and project roles.
const (
	OrgOwner                    Role = "ORG_OWNER"
	OrgMember                   Role = "ORG_MEMBER"
	OrgReadOnly                 Role = "ORG_READ_ONLY"
	ProjectOwner                Role = "GROUP_OWNER"
	ProjectSupportAccessManager Role = "GROUP_SUPPORT_ACCESS_MANAGER"
	ProjectReadOnly             Role = "GROUP_READ_ONLY"
)

// IsOrgRole reports whether r is an organization role.
func (r Role) IsOrgRole() bool { return r == OrgOwner || r == OrgMember || r == OrgReadOnly }

// IsProjectRole reports whether r is a project role.
func (r Role) IsProjectRole() bool {
	return r == ProjectOwner || r == ProjectSupportAccessManager || r == ProjectReadOnly
}

// Label is the role's name as people read it.
func (r Role) Label() string {
	switch r {
	case OrgOwner:
		return "Organization Owner"
	case OrgMember:
		return "Organization Member"
	case OrgReadOnly:
		return "Organization Read Only"
	case ProjectOwner:
		return "Project Owner"
	case ProjectSupportAccessManager:
		return "Project Support Access Manager"
	case ProjectReadOnly:
		return "Project Read Only"
	}
	return string(r)
}

// ParseRole accepts a role's API name.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if r.IsOrgRole() || r.IsProjectRole() {
		return r, nil
	}
	return "", FieldError("role", "unknown role %q; use one of ORG_OWNER, ORG_MEMBER, ORG_READ_ONLY, GROUP_OWNER, GROUP_SUPPORT_ACCESS_MANAGER, GROUP_READ_ONLY", s)
}

// ActorKind says what kind of principal acted.
type ActorKind string

// Kinds of principal.
const (
	ActorUser           ActorKind = "USER"
	ActorAPIKey         ActorKind = "API_KEY"
	ActorServiceAccount ActorKind = "SERVICE_ACCOUNT"
	ActorSystem         ActorKind = "SYSTEM"
	// ActorSupport is a support employee, who files and cancels requests.
	ActorSupport ActorKind = "SUPPORT_EMPLOYEE"
)

// Principal is whoever makes a request, with the roles it holds.
type Principal struct {
	Kind         ActorKind
	ID           string
	Name         string
	OrgRoles     map[string]Role // by organization id
	ProjectRoles map[string]Role // by project id
}

// Actor is who makes a change and from where, for the activity feed.
type Actor struct {
	Principal
	RemoteAddr string
}

// System is the principal for work the server does by itself, such as
// recording an expiry.
var System = Principal{Kind: ActorSystem, Name: "system"}

// CanViewOrg reports whether p may see the organization at all. Anyone
// without a role in it gets "not found", so that existence does not leak.
func CanViewOrg(p Principal, orgID string) bool { return p.OrgRoles[orgID] != "" }

// SeesEveryProject reports whether p, who may view the organization
// (CanViewOrg, checked first), sees the records (events, decisions,
// requests) of every project in it: owners and read-only members do; a
// member sees only the organization's own and those of the projects they
// belong to.
func SeesEveryProject(p Principal, orgID string) bool { return p.OrgRoles[orgID] != OrgMember }

// CanChangeBlock reports whether p may change the organization's block setting.
func CanChangeBlock(p Principal, orgID string) bool { return p.OrgRoles[orgID] == OrgOwner }

// CanViewProject reports whether p may see a project: organization owners and
// read-only members see every project, others only those they belong to.
func CanViewProject(p Principal, pr Project) bool {
	switch p.OrgRoles[pr.OrgID] {
	case OrgOwner, OrgReadOnly:
		return true
	case OrgMember:
		return p.ProjectRoles[pr.ID] != ""
	}
	return false
}

// CanManageGrants reports whether p may grant and revoke support access on
// the project's clusters.
func CanManageGrants(p Principal, pr Project) bool {
	if p.OrgRoles[pr.OrgID] == OrgOwner {
		return true
	}
	if !CanViewProject(p, pr) {
		return false
	}
	r := p.ProjectRoles[pr.ID]
	return r == ProjectOwner || r == ProjectSupportAccessManager
}

// CanManageCredentials reports whether p may manage members and API keys.
func CanManageCredentials(p Principal, orgID string) bool { return p.OrgRoles[orgID] == OrgOwner }

// AuthorizeGrantChange is nil when p may grant and revoke support access in
// pr, and otherwise the error GrantAccess and RevokeAccess would return.
func AuthorizeGrantChange(p Principal, pr Project) error { return authorizeProject(p, pr, true) }

// AuthorizeProjectView is nil when p may see pr, and otherwise the error
// every read of the project returns: not found, as for a project that
// does not exist.
func AuthorizeProjectView(p Principal, pr Project) error { return authorizeProject(p, pr, false) }

// authorizeProject turns the view/manage rules into the errors the
// storage layer returns: not found when p cannot see the project,
// forbidden when p can see it but not change it.
func authorizeProject(p Principal, pr Project, manage bool) error {
	if !CanViewProject(p, pr) {
		return ErrNoProject()
	}
	if manage && !CanManageGrants(p, pr) {
		return Errorf(EFORBIDDEN, "Your role in this project does not allow granting or revoking support access.")
	}
	return nil
}
