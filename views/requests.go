package views

import (
	"time"

	"supportaccess/models"
)

// RequestsPage is an organization's Access Requests page: pending first,
// then newest first.
type RequestsPage struct {
	Page     Page
	Org      models.Organization
	Requests []RequestRow
	NumberPager
	Status string // the filter, "" for all
}

// RequestRow is one request with what its row shows and offers.
type RequestRow struct {
	models.SupportAccessRequest
	ProjectName string
	// CanDecide says whether the user may approve or deny it.
	CanDecide bool
	Now       time.Time
	// Grant is the grant its approval made, while in force.
	Grant *models.Grant
}

// Pending reports whether the request still waits for an answer.
func (r RequestRow) Pending() bool { return r.StatusAt(r.Now) == models.RequestPending }

func (r RequestRow) rowID() string { return "request-" + r.ID }

// RequestForm is the data of the approve and deny dialogs: the request,
// what the approver may choose, and the error of a failed submission.
type RequestForm struct {
	Page    Page
	Row     RequestRow
	Choices []models.GrantType // the types an approval may give: the requested one or narrower, within the policy
	Hours   []int              // the durations it may give
	// Selected and SelectedHours are the choice shown checked.
	Selected      models.GrantType
	SelectedHours int
	// Policy notes say what the organization's policy changes here.
	PolicyNotes []string
	Reason      string // a denial's reason, as typed
	// From is the page the dialog was opened from ("clusters" or
	// "requests"), where success returns.
	From  string
	Error string
}

// requestURL is the path of one of a request's actions.
func requestURL(r models.SupportAccessRequest, action string) string {
	return groupURL(r.ProjectID, "/requests/"+r.ID+"/"+action)
}

// RequestsURL is the Access Requests page of an organization.
func RequestsURL(orgID string) string { return orgURL(orgID, "/requests") }

// ExtendForm is the data of the dialog that extends a grant in force.
type ExtendForm struct {
	Page       Page
	Row        ClusterRow
	Hours      int // the policy's maximum, from now
	NewExpiry  time.Time
	RequestKey string
	Error      string
}

func statusBadgeClass(s models.RequestStatus) string {
	switch s {
	case models.RequestPending:
		return "badge badge-request"
	case models.RequestApproved:
		return "badge badge-granted"
	case models.RequestDenied:
		return "badge badge-denied"
	}
	return "badge badge-none"
}

// hoursLabel writes a duration in hours in words.
func hoursLabel(n int) string { return models.Hours(n) }
