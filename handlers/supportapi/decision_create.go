package supportapi

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
)

// supportDecisionRequest is the body of POST /api/support/v1/access-decisions.
type supportDecisionRequest struct {
	GroupID       string `json:"groupId"`
	ClusterName   string `json:"clusterName"`
	Scope         string `json:"scope"`
	CaseNumber    string `json:"caseNumber"`
	Justification string `json:"justification"`
}

// SupportDecision is the support API's answer to a question.
type SupportDecision struct {
	DecisionID  string        `json:"decisionId"`
	Allowed     bool          `json:"allowed"`
	Reason      string        `json:"reason"`
	ReasonCode  string        `json:"reasonCode"`
	Scope       string        `json:"scope"`
	GroupID     string        `json:"groupId"`
	ClusterName string        `json:"clusterName"`
	CaseNumber  string        `json:"caseNumber"`
	Grant       *SupportGrant `json:"grant"`
	DecidedAt   string        `json:"decidedAt"`
}

// SupportGrant is the grant in force when a decision was taken, with
// the access request whose approval made it, if one did.
type SupportGrant struct {
	ID             string `json:"id"`
	GrantType      string `json:"grantType"`
	ExpirationTime string `json:"expirationTime"`
	RequestID      string `json:"requestId,omitempty"`
}

// Decide answers "may I touch this scope of this cluster now?" and
// records the answer for the customer.
func (h *Handler) Decide(c echo.Context) error {
	ctx := c.Request().Context()
	var body supportDecisionRequest
	if err := json.NewDecoder(c.Request().Body).Decode(&body); err != nil {
		// Who asks comes before what is wrong with the question.
		if _, aerr := h.store.SupportStaffByToken(ctx, supportToken(c)); aerr != nil {
			return supportAuthError(c, aerr)
		}
		return models.Errorf(models.EINVALID, "The request body must be a JSON object with groupId, clusterName, scope, caseNumber and justification.")
	}
	if !httpx.ControlFree(body.GroupID, body.ClusterName, body.Scope, body.CaseNumber, body.Justification) {
		if _, aerr := h.store.SupportStaffByToken(ctx, supportToken(c)); aerr != nil {
			return supportAuthError(c, aerr)
		}
		return models.Errorf(models.EINVALID, httpx.ErrControlChars)
	}
	d, err := h.store.DecideAccessWithToken(ctx, supportToken(c), models.AccessRequest{
		ProjectID: body.GroupID, ClusterName: body.ClusterName, Scope: body.Scope, CaseNumber: body.CaseNumber,
		Justification: body.Justification, RemoteAddr: c.RealIP(), Via: models.ViaAPI})
	if err != nil {
		if d.ID != "" {
			c.Response().Header().Set("X-Decision-Id", d.ID)
		}
		return supportAuthError(c, err)
	}
	return c.JSON(http.StatusOK, supportDecisionJSON(d))
}

func supportDecisionJSON(d models.AccessDecision) SupportDecision {
	out := SupportDecision{DecisionID: d.ID, Allowed: d.Allowed, Reason: d.Reason, ReasonCode: string(d.ReasonCode),
		Scope: string(d.Scope), GroupID: d.ProjectID, ClusterName: d.ClusterName, CaseNumber: d.CaseNumber,
		DecidedAt: supportTime(d.CreatedAt)}
	if d.GrantID != "" {
		out.Grant = &SupportGrant{ID: d.GrantID, GrantType: string(d.GrantType), ExpirationTime: supportTime(d.GrantExpiresAt), RequestID: d.RequestID}
	}
	return out
}

// supportTime writes an instant as the API does: ISO 8601 in UTC with Z,
// with the fraction only when there is one.
func supportTime(i models.Instant) string { return i.Time().Format(time.RFC3339Nano) }
