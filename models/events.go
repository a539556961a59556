package models

import "time"

// EventType names an activity feed event, as the Atlas API does.
type EventType string

// Event types written by this product.
const (
	EventBlockOn  EventType = "SUPPORT_ACCESS_BLOCKED"
	EventBlockOff EventType = "SUPPORT_ACCESS_UNBLOCKED"
	EventGranted  EventType = "EMPLOYEE_ACCESS_GRANTED"
	EventReplaced EventType = "EMPLOYEE_ACCESS_GRANT_REPLACED"
	EventRevoked  EventType = "EMPLOYEE_ACCESS_REVOKED"
	EventExpired  EventType = "EMPLOYEE_ACCESS_EXPIRED"
	// EventLoginLocked is written when repeated failed logins lock an account for a while.
	EventLoginLocked EventType = "USER_LOGIN_LOCKED"
	// EventLoginUnlocked is written when an Organization Owner lifts a member's login lock.
	EventLoginUnlocked EventType = "USER_LOGIN_UNLOCKED"
	// Credentials for the Admin API, created or deleted by an owner or an operator.
	EventAPIKeyCreated         EventType = "API_KEY_CREATED"
	EventAPIKeyDeleted         EventType = "API_KEY_DELETED"
	EventServiceAccountCreated EventType = "SERVICE_ACCOUNT_CREATED"
	EventServiceAccountDeleted EventType = "SERVICE_ACCOUNT_DELETED"
	// A grant in force given a later expiry in place, same type.
	EventExtended EventType = "EMPLOYEE_ACCESS_GRANT_EXTENDED"
	// Support access requests, from filing to their end (request.go).
	EventRequestCreated       EventType = "ACCESS_REQUEST_CREATED"
	EventRequestFirstApproval EventType = "ACCESS_REQUEST_FIRST_APPROVAL"
	EventRequestApproved      EventType = "ACCESS_REQUEST_APPROVED"
	EventRequestDenied        EventType = "ACCESS_REQUEST_DENIED"
	EventRequestExpired       EventType = "ACCESS_REQUEST_EXPIRED"
	EventRequestCancelled     EventType = "ACCESS_REQUEST_CANCELLED"
	// The organization's support access policy changed (policy.go).
	EventPolicyChanged EventType = "SUPPORT_ACCESS_POLICY_CHANGED"
	// People, managed by an owner (people.go); the names are Atlas's where it has one.
	EventMemberInvited       EventType = "INVITED_TO_ORG"
	EventMemberJoined        EventType = "JOINED_ORG"
	EventMemberRemoved       EventType = "REMOVED_FROM_ORG"
	EventMemberRolesChanged  EventType = "USER_ROLES_CHANGED_AUDIT"
	EventMemberPasswordReset EventType = "MEMBER_PASSWORD_RESET"
	// The organization's multi-factor authentication setting.
	EventMFARequired EventType = "ORG_TWO_FACTOR_AUTH_REQUIRED"
	EventMFAOptional EventType = "ORG_TWO_FACTOR_AUTH_OPTIONAL"
)

// EventTypes lists every event type, for filters.
var EventTypes = []EventType{EventBlockOn, EventBlockOff, EventGranted, EventReplaced, EventRevoked, EventExpired, EventLoginLocked, EventLoginUnlocked,
	EventAPIKeyCreated, EventAPIKeyDeleted, EventServiceAccountCreated, EventServiceAccountDeleted,
	EventExtended, EventRequestCreated, EventRequestFirstApproval, EventRequestApproved, EventRequestDenied,
	EventRequestExpired, EventRequestCancelled, EventPolicyChanged,
	EventMemberInvited, EventMemberJoined, EventMemberRemoved, EventMemberRolesChanged, EventMemberPasswordReset,
	EventMFARequired, EventMFAOptional}

// Valid reports whether t is a known event type.
func (t EventType) Valid() bool {
	for _, k := range EventTypes {
		if k == t {
			return true
		}
	}
	return false
}

// Label describes the event type in words.
func (t EventType) Label() string {
	switch t {
	case EventBlockOn:
		return "Support access blocked"
	case EventBlockOff:
		return "Support access unblocked"
	case EventGranted:
		return "Temporary access granted"
	case EventReplaced:
		return "Temporary access replaced"
	case EventRevoked:
		return "Temporary access revoked"
	case EventExpired:
		return "Temporary access expired"
	case EventLoginLocked:
		return "Login locked after failed attempts"
	case EventLoginUnlocked:
		return "Login unlocked by an owner"
	case EventAPIKeyCreated:
		return "API key created"
	case EventAPIKeyDeleted:
		return "API key deleted"
	case EventServiceAccountCreated:
		return "Service account created"
	case EventServiceAccountDeleted:
		return "Service account deleted"
	case EventExtended:
		return "Temporary access extended"
	case EventRequestCreated:
		return "Access requested by support"
	case EventRequestFirstApproval:
		return "Access request: first approval"
	case EventRequestApproved:
		return "Access request approved"
	case EventRequestDenied:
		return "Access request denied"
	case EventRequestExpired:
		return "Access request lapsed"
	case EventRequestCancelled:
		return "Access request cancelled"
	case EventPolicyChanged:
		return "Support access policy changed"
	case EventMemberInvited:
		return "Member invited"
	case EventMemberJoined:
		return "Member joined"
	case EventMemberRemoved:
		return "Member removed"
	case EventMemberRolesChanged:
		return "Member roles changed"
	case EventMemberPasswordReset:
		return "Member password reset"
	case EventMFARequired:
		return "Multi-factor authentication required"
	case EventMFAOptional:
		return "Multi-factor authentication optional"
	}
	return string(t)
}

// EventFilter selects events of one organization.
type EventFilter struct {
	OrgID        string
	ProjectID    string
	ClusterNames []string
	Types        []EventType
	GrantID      string
	MinDate      time.Time
	MaxDate      time.Time
	Page         int // from 1
	PerPage      int
	// NoCount spares a list by page number its count of every match
	// (Atlas's includeCount=false).
	NoCount bool
}
