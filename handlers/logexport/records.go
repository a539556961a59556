package logexport

import (
	"net/http"

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

// NewDecision is d as the Admin API's pages show it.
func NewDecision(d *models.AccessDecision) Decision { return newDecision(d, stamp) }

func newDecision(d *models.AccessDecision, stamp func(models.Instant) string) Decision {
	return Decision{ID: d.ID, Created: stamp(d.CreatedAt), OrgID: d.OrgID, GroupID: d.ProjectID, ClusterName: d.ClusterName,
		Scope: string(d.Scope), Allowed: d.Allowed, ReasonCode: string(d.ReasonCode), Reason: d.Reason, SupportEmail: d.StaffEmail,
		CaseNumber: d.CaseNumber, Justification: d.Justification, AccessBlocked: d.Blocked, GrantID: d.GrantID,
		GrantType: string(d.GrantType), GrantExpirationTime: stamp(d.GrantExpiresAt), Via: d.Via, RemoteAddress: d.RemoteAddr}
}

var decisionHeader = []string{"id", "created", "orgId", "groupId", "clusterName", "scope", "allowed", "reasonCode", "reason",
	"supportEmail", "caseNumber", "justification", "restrictEmployeeAccess", "grantId", "grantType", "grantExpirationTime",
	"via", "remoteAddress", "clusterId", "supportStaffId", "sealBatch"}

// DecisionRecord is a decision as an export writes it: as the Admin API
// shows it, with the two fields the seal covers that the page does not
// show, its times to the nanosecond (the seal covers them so), and the
// batch whose seal names it ("unsealed" when none does yet).
type DecisionRecord struct {
	Decision
	ClusterID string `json:"clusterId"`
	StaffID   string `json:"supportStaffId"`
	SealBatch string `json:"sealBatch"`
}

// NewDecisionRecord is d as an export writes it, in batch (0: not sealed).
func NewDecisionRecord(d *models.AccessDecision, batch int64) DecisionRecord {
	return DecisionRecord{Decision: newDecision(d, exact), ClusterID: d.ClusterID, StaffID: d.StaffID, SealBatch: sealBatch(batch)}
}

// decisionLine writes a decision's CSV line, the cells of its
// DecisionRecord in decisionHeader's order.
func decisionLine(l *csvLine, d *models.AccessDecision, batch int64) {
	l.text(d.ID)
	l.instant(d.CreatedAt)
	for _, v := range [...]string{d.OrgID, d.ProjectID, d.ClusterName, string(d.Scope)} {
		l.text(v)
	}
	l.bool(d.Allowed)
	for _, v := range [...]string{string(d.ReasonCode), d.Reason, d.StaffEmail, d.CaseNumber, d.Justification} {
		l.text(v)
	}
	l.bool(d.Blocked)
	l.text(d.GrantID)
	l.text(string(d.GrantType))
	l.instant(d.GrantExpiresAt)
	for _, v := range [...]string{d.Via, d.RemoteAddr, d.ClusterID, d.StaffID} {
		l.text(v)
	}
	l.batch(batch)
}

// Decisions starts a download of decisions in format.
func Decisions(w http.ResponseWriter, format, name string) (*Writer[models.AccessDecision], error) {
	return start(w, format, name, decisionHeader, decisionLine, func(d *models.AccessDecision, b int64) any { return NewDecisionRecord(d, b) })
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

// NewEvent is e as the Admin API's pages show it.
func NewEvent(e *models.Event) Event { return newEvent(e, stamp) }

func newEvent(e *models.Event, stamp func(models.Instant) string) Event {
	return Event{ID: e.ID, Created: stamp(e.CreatedAt), EventTypeName: string(e.Type), OrgID: e.OrgID, GroupID: e.ProjectID,
		ClusterName: e.ClusterName, ActorKind: string(e.ActorKind), ActorID: e.ActorID, ActorName: e.ActorName,
		RemoteAddress: e.RemoteAddr, GrantID: e.GrantID, GrantType: string(e.GrantType), ExpirationTime: stamp(e.ExpiresAt), Detail: e.Detail}
}

var eventHeader = []string{"id", "created", "eventTypeName", "orgId", "groupId", "clusterName", "actorKind", "actorId",
	"actorName", "remoteAddress", "grantId", "grantType", "expirationTime", "detail", "clusterId", "sealBatch"}

// EventRecord is an event as an export writes it, as DecisionRecord is
// a decision.
type EventRecord struct {
	Event
	ClusterID string `json:"clusterId"`
	SealBatch string `json:"sealBatch"`
}

// NewEventRecord is e as an export writes it, in batch (0: not sealed).
func NewEventRecord(e *models.Event, batch int64) EventRecord {
	return EventRecord{Event: newEvent(e, exact), ClusterID: e.ClusterID, SealBatch: sealBatch(batch)}
}

// eventLine writes an event's CSV line, the cells of its EventRecord in
// eventHeader's order.
func eventLine(l *csvLine, e *models.Event, batch int64) {
	l.text(e.ID)
	l.instant(e.CreatedAt)
	for _, v := range [...]string{string(e.Type), e.OrgID, e.ProjectID, e.ClusterName, string(e.ActorKind), e.ActorID, e.ActorName,
		e.RemoteAddr, e.GrantID, string(e.GrantType)} {
		l.text(v)
	}
	l.instant(e.ExpiresAt)
	l.text(e.Detail)
	l.text(e.ClusterID)
	l.batch(batch)
}

// Events starts a download of events in format.
func Events(w http.ResponseWriter, format, name string) (*Writer[models.Event], error) {
	return start(w, format, name, eventHeader, eventLine, func(e *models.Event, b int64) any { return NewEventRecord(e, b) })
}
