package supportapi

import (
	"supportaccess/models"
)

// SupportRequest is an access request as the support API shows it: what
// support asked, where it stands, who decided and when, the grant if it
// was approved and the reason if it was denied.
type SupportRequest struct {
	RequestID       string        `json:"requestId"`
	Status          string        `json:"status"`
	GroupID         string        `json:"groupId"`
	ClusterName     string        `json:"clusterName"`
	GrantType       string        `json:"grantType"`
	DurationHours   int           `json:"durationHours"`
	CaseNumber      string        `json:"caseNumber"`
	Justification   string        `json:"justification"`
	RequestedBy     string        `json:"requestedBy"`
	CreatedAt       string        `json:"createdAt"`
	ExpiresAt       string        `json:"expiresAt"`
	FirstApprovedBy string        `json:"firstApprovedBy,omitempty"`
	DecidedBy       string        `json:"decidedBy,omitempty"`
	DecidedAt       string        `json:"decidedAt,omitempty"`
	DenyReason      string        `json:"denyReason,omitempty"`
	Grant           *SupportGrant `json:"grant"`
}

// supportRequestJSON shows r at now, with g, the grant its approval made
// (nil when none).
func supportRequestJSON(r models.SupportAccessRequest, g *models.Grant, now models.Instant) SupportRequest {
	out := SupportRequest{RequestID: r.ID, Status: string(r.StatusAt(now.Time())), GroupID: r.ProjectID, ClusterName: r.ClusterName,
		GrantType: string(r.GrantType), DurationHours: r.DurationHours, CaseNumber: r.CaseNumber, Justification: r.Justification,
		RequestedBy: r.StaffEmail, CreatedAt: supportTime(r.CreatedAt), ExpiresAt: supportTime(r.LapsesAt),
		FirstApprovedBy: r.FirstApprover, DecidedBy: r.DeciderName, DenyReason: r.DenyReason}
	if r.StatusAt(now.Time()) == models.RequestExpired && r.DecidedAt == 0 {
		out.DecidedAt = supportTime(r.LapsesAt)
	} else if r.DecidedAt != 0 {
		out.DecidedAt = supportTime(r.DecidedAt)
	}
	if out.DecidedBy == "" && out.DecidedAt != "" && r.Status != models.RequestCancelled {
		out.DecidedBy = models.System.Name
	}
	if g != nil {
		out.Grant = &SupportGrant{ID: g.ID, GrantType: string(g.Type), ExpirationTime: supportTime(g.ExpiresAt), RequestID: r.ID}
	}
	return out
}
