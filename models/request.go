package models

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// RequestStatus is where a support access request stands.
type RequestStatus string

// The states of a request: PENDING until an approver acts, support
// cancels, or it lapses unanswered.
const (
	RequestPending   RequestStatus = "PENDING"
	RequestApproved  RequestStatus = "APPROVED"
	RequestDenied    RequestStatus = "DENIED"
	RequestExpired   RequestStatus = "EXPIRED"
	RequestCancelled RequestStatus = "CANCELLED"
)

// RequestStatuses lists every status, for filters.
var RequestStatuses = []RequestStatus{RequestPending, RequestApproved, RequestDenied, RequestExpired, RequestCancelled}

// Valid reports whether s is a known status.
func (s RequestStatus) Valid() bool {
	for _, k := range RequestStatuses {
		if k == s {
			return true
		}
	}
	return false
}

// Label is the status in words.
func (s RequestStatus) Label() string {
	switch s {
	case RequestPending:
		return "Pending"
	case RequestApproved:
		return "Approved"
	case RequestDenied:
		return "Denied"
	case RequestExpired:
		return "Lapsed"
	case RequestCancelled:
		return "Cancelled"
	}
	return string(s)
}

// RequestLapse is how long a request waits for an answer before it lapses.
const RequestLapse = 12 * time.Hour

// SupportAccessRequest is support asking the customer for a grant on one
// cluster, with a case number, and what became of it. FirstApprover* is
// the first of two approvals a sync-data request needs under a policy
// with a second approver; Approved* is what the approver granted, which
// may be narrower or shorter than asked.
type SupportAccessRequest struct {
	ID              string `gorm:"primaryKey"`
	OrgID           string
	ProjectID       string
	ClusterID       string
	ClusterName     string
	StaffID         string
	StaffEmail      string
	GrantType       GrantType
	DurationHours   int
	CaseNumber      string
	Justification   string
	Status          RequestStatus
	CreatedAt       Instant
	LapsesAt        Instant
	DecidedAt       Instant
	DeciderKind     ActorKind
	DeciderID       string
	DeciderName     string
	FirstApproverID string
	FirstApprover   string
	FirstApprovedAt Instant
	ApprovedType    GrantType
	ApprovedHours   int
	GrantID         string
	DenyReason      string
	RemoteAddr      string
}

// TableName names the table as the migration does.
func (SupportAccessRequest) TableName() string { return "access_requests" }

// StatusAt is the request's status at now: a pending request past its
// lapse time has lapsed, whether or not the sweep has recorded it yet.
func (r SupportAccessRequest) StatusAt(now time.Time) RequestStatus {
	if r.Status == RequestPending && !now.Before(r.LapsesAt.Time()) {
		return RequestExpired
	}
	return r.Status
}

// RequestInput is what support says when filing a request.
type RequestInput struct {
	ProjectID     string
	ClusterName   string
	GrantType     GrantType
	DurationHours int
	CaseNumber    string
	Justification string
	RemoteAddr    string
}

// NewRequest files in's request by staff on cluster c of organization
// orgID under policy at now, or says what is wrong with it.
func NewRequest(staff SupportStaff, c Cluster, orgID string, policy SupportAccessPolicy, in RequestInput, now time.Time) (SupportAccessRequest, error) {
	in.CaseNumber = strings.TrimSpace(in.CaseNumber)
	in.Justification = strings.TrimSpace(in.Justification)
	if !in.GrantType.Valid() {
		return SupportAccessRequest{}, FieldError("grantType", "Unknown grant type %q. Use CLUSTER_INFRASTRUCTURE, CLUSTER_DATABASE_LOGS or CLUSTER_INFRASTRUCTURE_AND_APP_SERVICES_SYNC_DATA.", clip(string(in.GrantType), 64))
	}
	if in.GrantType == GrantInfrastructureSync && !c.SyncEnabled {
		return SupportAccessRequest{}, FieldError("grantType", "Cluster %s does not have App Services sync enabled, so sync data access cannot be requested.", c.Name)
	}
	if !policy.Allows(in.GrantType) {
		return SupportAccessRequest{}, FieldError("grantType", "The customer's support access policy does not allow %s grants.", in.GrantType.Short())
	}
	if in.DurationHours < MinGrantHours || in.DurationHours > policy.MaxGrantHours {
		return SupportAccessRequest{}, FieldError("durationHours", "durationHours is a whole number of hours from 1 to %d, the customer's maximum.", policy.MaxGrantHours)
	}
	if err := checkCase(in.CaseNumber, in.Justification); err != nil {
		return SupportAccessRequest{}, err
	}
	return SupportAccessRequest{ID: NewID(now), OrgID: orgID, ProjectID: c.ProjectID, ClusterID: c.ID, ClusterName: c.Name,
		StaffID: staff.ID, StaffEmail: staff.Email, GrantType: in.GrantType, DurationHours: in.DurationHours,
		CaseNumber: in.CaseNumber, Justification: in.Justification, Status: RequestPending, CreatedAt: At(now),
		LapsesAt: At(now.Add(RequestLapse)), RemoteAddr: in.RemoteAddr}, nil
}

// checkCase checks a request's case number (required) and justification.
func checkCase(caseNumber, justification string) error {
	if caseNumber == "" {
		return FieldError("caseNumber", "A case number is required: the customer decides on the case it names.")
	}
	if utf8.RuneCountInString(caseNumber) > 64 || strings.IndexFunc(caseNumber, unicode.IsControl) >= 0 {
		return FieldError("caseNumber", "A case number is at most 64 printable characters.")
	}
	if utf8.RuneCountInString(justification) > 2000 {
		return FieldError("justification", "A justification is at most 2000 characters.")
	}
	return nil
}

// errNotPending says why a request that is no longer pending cannot be
// decided or cancelled.
func errNotPending(r SupportAccessRequest, now time.Time) error {
	return Errorf(ECONFLICT, "This request is %s, not pending: nothing changed.", strings.ToLower(r.StatusAt(now).Label()))
}

// Within reports whether a grant of type t gives no more than one of
// type u: every scope t covers, u covers too.
func (t GrantType) Within(u GrantType) bool {
	for _, s := range Scopes {
		if t.Covers(s) && !u.Covers(s) {
			return false
		}
	}
	return true
}

// Approval is an approver's answer: the type and hours to grant, zero
// for what was asked.
type Approval struct {
	GrantType     GrantType
	DurationHours int
}

// ApprovalOutcome is what an approval does: record the first of two
// approvals (First), or approve, granting Type for Duration.
type ApprovalOutcome struct {
	First    bool
	Type     GrantType
	Duration time.Duration
}

// Approve decides whether a, acting in project pr under policy, may
// approve r at now with ap, and what that does. Approvers are those who
// may grant on the project; they may narrow the type or shorten the
// duration, never widen either; a sync-data grant under a second-approver
// policy takes two different people.
func Approve(r SupportAccessRequest, a Principal, pr Project, policy SupportAccessPolicy, ap Approval, now time.Time) (ApprovalOutcome, error) {
	if err := AuthorizeGrantChange(a, pr); err != nil {
		return ApprovalOutcome{}, err
	}
	if r.StatusAt(now) != RequestPending {
		return ApprovalOutcome{}, errNotPending(r, now)
	}
	out := ApprovalOutcome{Type: r.GrantType, Duration: time.Duration(r.DurationHours) * time.Hour}
	if ap.GrantType != "" {
		if !ap.GrantType.Valid() {
			return ApprovalOutcome{}, FieldError("grantType", "Unknown grant type %q.", clip(string(ap.GrantType), 64))
		}
		if !ap.GrantType.Within(r.GrantType) {
			return ApprovalOutcome{}, FieldError("grantType", "An approval may narrow the requested type, never widen it: %s asks for more than %s.", ap.GrantType.Short(), r.GrantType.Short())
		}
		out.Type = ap.GrantType
	}
	if ap.DurationHours != 0 {
		if ap.DurationHours < MinGrantHours || ap.DurationHours > r.DurationHours {
			return ApprovalOutcome{}, FieldError("durationHours", "An approval may shorten the requested duration, never lengthen it: from 1 to %s.", Hours(r.DurationHours))
		}
		out.Duration = time.Duration(ap.DurationHours) * time.Hour
	}
	if err := policy.CheckGrant(a, out.Type, out.Duration, ApprovedGrant); err != nil {
		return ApprovalOutcome{}, err
	}
	if policy.SecondApproverForSyncData && out.Type == GrantInfrastructureSync {
		if r.FirstApproverID == "" {
			out.First = true
			return out, nil
		}
		if r.FirstApproverID == ApproverKey(a) {
			return ApprovalOutcome{}, Errorf(EFORBIDDEN, "You gave this request its first approval; sync data needs a second person with approval rights.")
		}
	}
	return out, nil
}

// ApproverKey is how an approver is recorded as the first of two, so
// that a user and an API key with the same id are never taken for one.
func ApproverKey(a Principal) string { return a.Kind.key(a.ID) }

func (k ActorKind) key(id string) string { return string(k) + ":" + id }

// Deny decides whether a may deny r in pr at now, with reason, which
// support reads.
func Deny(r SupportAccessRequest, a Principal, pr Project, reason string, now time.Time) (string, error) {
	if err := AuthorizeGrantChange(a, pr); err != nil {
		return "", err
	}
	if r.StatusAt(now) != RequestPending {
		return "", errNotPending(r, now)
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return "", FieldError("reason", "Say why the request is denied: support reads the reason.")
	}
	if utf8.RuneCountInString(reason) > 1000 {
		return "", FieldError("reason", "A reason is at most 1000 characters.")
	}
	return reason, nil
}

// Cancel decides whether support employee st may cancel r at now: any
// support employee may, while it is pending, since a case changes hands.
func Cancel(r SupportAccessRequest, st SupportStaff, now time.Time) error {
	if st.ID == "" {
		return Errorf(EUNAUTHORIZED, "The support token is not valid.")
	}
	if r.StatusAt(now) != RequestPending {
		return errNotPending(r, now)
	}
	return nil
}

// Lapse reports whether r, as read at now, is due to be recorded as
// lapsed.
func Lapse(r SupportAccessRequest, now time.Time) bool {
	return r.Status == RequestPending && r.StatusAt(now) == RequestExpired
}

// RequestFilter selects requests of one organization.
type RequestFilter struct {
	OrgID     string
	ProjectID string
	Status    RequestStatus
	Page      int // from 1
	PerPage   int
}
