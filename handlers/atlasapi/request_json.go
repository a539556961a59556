package atlasapi

import (
	"time"

	"github.com/labstack/echo/v4"

	"supportaccess/models"
)

// apiPolicy is an organization's support access policy as the Admin API
// shows it.
type apiPolicy struct {
	MaxGrantDurationHours     int      `json:"maxGrantDurationHours"`
	AllowedGrantTypes         []string `json:"allowedGrantTypes"`
	RequireRequest            bool     `json:"requireRequest"`
	SecondApproverForSyncData bool     `json:"secondApproverForSyncData"`
	RetentionDays             int      `json:"retentionDays"`
}

func policyOf(p models.SupportAccessPolicy) apiPolicy {
	out := apiPolicy{MaxGrantDurationHours: p.MaxGrantHours, AllowedGrantTypes: []string{}, RequireRequest: p.RequireRequest,
		SecondApproverForSyncData: p.SecondApproverForSyncData, RetentionDays: p.RetentionDays}
	for _, t := range p.AllowedTypes {
		out.AllowedGrantTypes = append(out.AllowedGrantTypes, string(t))
	}
	return out
}

// apiRequest is a support access request as the Admin API shows it.
type apiRequest struct {
	ID                    string        `json:"id"`
	OrgID                 string        `json:"orgId"`
	GroupID               string        `json:"groupId"`
	ClusterName           string        `json:"clusterName"`
	GrantType             string        `json:"grantType"`
	DurationHours         int           `json:"durationHours"`
	CaseNumber            string        `json:"caseNumber"`
	Justification         string        `json:"justification"`
	Status                string        `json:"status"`
	RequestedBy           string        `json:"requestedBy"`
	Created               string        `json:"created"`
	ExpiresAt             string        `json:"expiresAt"`
	FirstApprovedBy       string        `json:"firstApprovedBy,omitempty"`
	DecidedBy             string        `json:"decidedBy,omitempty"`
	DecidedAt             string        `json:"decidedAt,omitempty"`
	DenyReason            string        `json:"denyReason,omitempty"`
	ApprovedGrantType     string        `json:"approvedGrantType,omitempty"`
	ApprovedDurationHours int           `json:"approvedDurationHours,omitempty"`
	Grant                 *apiGrantRead `json:"mongoDBEmployeeAccessGrant,omitempty"`
	Links                 []apiLink     `json:"links"`
}

// apiGrantRead is the grant an approval made.
type apiGrantRead struct {
	ID             string `json:"id"`
	GrantType      string `json:"grantType"`
	ExpirationTime string `json:"expirationTime"`
}

// requestOf shows r at now, with g, the grant its approval made (nil
// when none).
func requestOf(c echo.Context, r models.SupportAccessRequest, g *models.Grant, now time.Time) apiRequest {
	out := apiRequest{ID: r.ID, OrgID: r.OrgID, GroupID: r.ProjectID, ClusterName: r.ClusterName, GrantType: string(r.GrantType),
		DurationHours: r.DurationHours, CaseNumber: r.CaseNumber, Justification: r.Justification, Status: string(r.StatusAt(now)),
		RequestedBy: r.StaffEmail, Created: apiTime(r.CreatedAt.Time()), ExpiresAt: apiTime(r.LapsesAt.Time()),
		FirstApprovedBy: r.FirstApprover, DecidedBy: r.DeciderName, DenyReason: r.DenyReason,
		ApprovedGrantType: string(r.ApprovedType), ApprovedDurationHours: r.ApprovedHours,
		Links: selfLinks(c, "/api/atlas/v2/groups/"+r.ProjectID+"/supportAccessRequests/"+r.ID)}
	if r.DecidedAt != 0 {
		out.DecidedAt = apiTime(r.DecidedAt.Time())
	}
	if g != nil {
		out.Grant = &apiGrantRead{ID: g.ID, GrantType: string(g.Type), ExpirationTime: apiTime(g.ExpiresAt.Time())}
	}
	return out
}
