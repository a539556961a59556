package logexport

import (
	"net/http"
	"strconv"

	"supportaccess/models"
)

// Decision is a recorded access decision as exports and the Admin API
// show it.
type Decision struct {
	ID                  string `json:"id"`
	Created             string `json:"created"`
	OrgID               string `json:"orgId"`
	GroupID             string `json:"groupId"`
	ClusterName         string `json:"clusterName"`
	Scope               string `json:"scope"`
	Allowed             bool   `json:"allowed"`
	ReasonCode          string `json:"reasonCode"`
	Reason              string `json:"reason"`
	SupportEmail        string `json:"supportEmail"`
	CaseNumber          string `json:"caseNumber"`
	Justification       string `json:"justification,omitempty"`
	AccessBlocked       bool   `json:"restrictEmployeeAccess"`
	GrantID             string `json:"grantId,omitempty"`
	GrantType           string `json:"grantType,omitempty"`
	GrantExpirationTime string `json:"grantExpirationTime,omitempty"`
	Via                 string `json:"via"`
	RemoteAddress       string `json:"remoteAddress,omitempty"`
}

// NewDecision is d as exports show it.
func NewDecision(d *models.AccessDecision) Decision {
	return Decision{ID: d.ID, Created: stamp(d.CreatedAt), OrgID: d.OrgID, GroupID: d.ProjectID, ClusterName: d.ClusterName,
		Scope: string(d.Scope), Allowed: d.Allowed, ReasonCode: string(d.ReasonCode), Reason: d.Reason, SupportEmail: d.StaffEmail,
		CaseNumber: d.CaseNumber, Justification: d.Justification, AccessBlocked: d.Blocked, GrantID: d.GrantID,
		GrantType: string(d.GrantType), GrantExpirationTime: stamp(d.GrantExpiresAt), Via: d.Via, RemoteAddress: d.RemoteAddr}
}

var decisionHeader = []string{"id", "created", "orgId", "groupId", "clusterName", "scope", "allowed", "reasonCode", "reason",
	"supportEmail", "caseNumber", "justification", "restrictEmployeeAccess", "grantId", "grantType", "grantExpirationTime",
	"via", "remoteAddress"}

// decisionCells are a decision's CSV cells, in decisionHeader's order;
// the slice is reused row after row.
func decisionCells() func(*models.AccessDecision) []string {
	cells := make([]string, len(decisionHeader))
	return func(d *models.AccessDecision) []string {
		r := NewDecision(d)
		copy(cells, []string{r.ID, r.Created, r.OrgID, r.GroupID, r.ClusterName, r.Scope, strconv.FormatBool(r.Allowed),
			r.ReasonCode, r.Reason, r.SupportEmail, r.CaseNumber, r.Justification, strconv.FormatBool(r.AccessBlocked),
			r.GrantID, r.GrantType, r.GrantExpirationTime, r.Via, r.RemoteAddress})
		return cells
	}
}

// Decisions starts a download of decisions in format.
func Decisions(w http.ResponseWriter, format, name string) (*Writer[models.AccessDecision], error) {
	return start(w, format, name, decisionHeader, decisionCells(), func(d *models.AccessDecision) any { return NewDecision(d) })
}

// Event is an activity event as exports show it.
type Event struct {
	ID             string `json:"id"`
	Created        string `json:"created"`
	EventTypeName  string `json:"eventTypeName"`
	OrgID          string `json:"orgId"`
	GroupID        string `json:"groupId,omitempty"`
	ClusterName    string `json:"clusterName,omitempty"`
	ActorKind      string `json:"actorKind"`
	ActorID        string `json:"actorId,omitempty"`
	ActorName      string `json:"actorName,omitempty"`
	RemoteAddress  string `json:"remoteAddress,omitempty"`
	GrantID        string `json:"grantId,omitempty"`
	GrantType      string `json:"grantType,omitempty"`
	ExpirationTime string `json:"expirationTime,omitempty"`
	Detail         string `json:"detail,omitempty"`
}

// NewEvent is e as exports show it.
func NewEvent(e *models.Event) Event {
	return Event{ID: e.ID, Created: stamp(e.CreatedAt), EventTypeName: string(e.Type), OrgID: e.OrgID, GroupID: e.ProjectID,
		ClusterName: e.ClusterName, ActorKind: string(e.ActorKind), ActorID: e.ActorID, ActorName: e.ActorName,
		RemoteAddress: e.RemoteAddr, GrantID: e.GrantID, GrantType: string(e.GrantType), ExpirationTime: stamp(e.ExpiresAt), Detail: e.Detail}
}

var eventHeader = []string{"id", "created", "eventTypeName", "orgId", "groupId", "clusterName", "actorKind", "actorId",
	"actorName", "remoteAddress", "grantId", "grantType", "expirationTime", "detail"}

func eventCells() func(*models.Event) []string {
	cells := make([]string, len(eventHeader))
	return func(e *models.Event) []string {
		r := NewEvent(e)
		copy(cells, []string{r.ID, r.Created, r.EventTypeName, r.OrgID, r.GroupID, r.ClusterName, r.ActorKind, r.ActorID,
			r.ActorName, r.RemoteAddress, r.GrantID, r.GrantType, r.ExpirationTime, r.Detail})
		return cells
	}
}

// Events starts a download of events in format.
func Events(w http.ResponseWriter, format, name string) (*Writer[models.Event], error) {
	return start(w, format, name, eventHeader, eventCells(), func(e *models.Event) any { return NewEvent(e) })
}
