package atlasapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
)

// apiEvent is an activity event as the Admin API shows it. Who acted is a
// user (userId, username), an API key (apiKeyId, publicKey), a service
// account (serviceAccountId, clientId) or, with none of these, the system.
type apiEvent struct {
	ID               string    `json:"id"`
	Created          string    `json:"created"`
	EventTypeName    string    `json:"eventTypeName"`
	OrgID            string    `json:"orgId"`
	GroupID          string    `json:"groupId,omitempty"`
	ClusterName      string    `json:"clusterName,omitempty"`
	UserID           string    `json:"userId,omitempty"`
	Username         string    `json:"username,omitempty"`
	APIKeyID         string    `json:"apiKeyId,omitempty"`
	PublicKey        string    `json:"publicKey,omitempty"`
	ServiceAccountID string    `json:"serviceAccountId,omitempty"`
	ClientID         string    `json:"clientId,omitempty"`
	RemoteAddress    string    `json:"remoteAddress,omitempty"`
	GrantType        string    `json:"grantType,omitempty"`
	ExpirationTime   string    `json:"expirationTime,omitempty"`
	IsGlobalAdmin    bool      `json:"isGlobalAdmin"`
	Links            []apiLink `json:"links"`
}

func toAPIEvent(c echo.Context, e models.Event) apiEvent {
	out := apiEvent{ID: e.ID, Created: apiTime(e.CreatedAt.Time()), EventTypeName: string(e.Type), OrgID: e.OrgID,
		GroupID: e.ProjectID, ClusterName: e.ClusterName, RemoteAddress: e.RemoteAddr, GrantType: string(e.GrantType)}
	if !e.ExpiresAt.IsZero() {
		out.ExpirationTime = apiTime(e.ExpiresAt.Time())
	}
	switch e.ActorKind {
	case models.ActorUser:
		out.UserID, out.Username = e.ActorID, e.ActorName
	case models.ActorAPIKey:
		out.APIKeyID, out.PublicKey = e.ActorID, e.ActorName
	case models.ActorServiceAccount:
		out.ServiceAccountID, out.ClientID = e.ActorID, e.ActorName
	}
	path := "/api/atlas/v2/orgs/" + e.OrgID + "/events/" + e.ID
	if e.ProjectID != "" {
		path = "/api/atlas/v2/groups/" + e.ProjectID + "/events/" + e.ID
	}
	out.Links = selfLinks(c, path)
	return out
}

// GroupEvents answers GET /groups/{groupId}/events.
func (h *Handler) GroupEvents(c echo.Context) error {
	id, err := pathID(c, "groupId", "INVALID_GROUP_ID")
	if err != nil {
		return err
	}
	pr, err := h.store.Project(c.Request().Context(), httpx.Principal(c), id)
	if err != nil {
		return err
	}
	return h.apiEvents(c, models.EventFilter{OrgID: pr.OrgID, ProjectID: pr.ID})
}

// OrgEvents answers GET /orgs/{orgId}/events.
func (h *Handler) OrgEvents(c echo.Context) error {
	id, err := pathID(c, "orgId", "INVALID_ORG_ID")
	if err != nil {
		return err
	}
	return h.apiEvents(c, models.EventFilter{OrgID: id})
}

// apiEvents reads the filters (eventType and clusterNames repeatable,
// minDate, maxDate) and answers one page of events.
func (h *Handler) apiEvents(c echo.Context, f models.EventFilter) error {
	q, err := parsePage(c)
	if err != nil {
		return err
	}
	qp := c.QueryParams()
	for _, t := range qp["eventType"] {
		if !models.EventType(t).Valid() {
			return httpx.BadRequest("INVALID_ENUM_VALUE", "eventType", "Unknown eventType %q.", shortForMessage(t))
		}
		f.Types = append(f.Types, models.EventType(t))
	}
	for _, n := range qp["clusterNames"] {
		if !models.ValidClusterName(n) {
			return httpx.BadRequest("INVALID_CLUSTER_NAME", "clusterNames", "Cluster name %q is not valid.", shortForMessage(n))
		}
		f.ClusterNames = append(f.ClusterNames, n)
	}
	if f.MinDate, err = queryDate(c, "minDate"); err != nil {
		return err
	}
	if f.MaxDate, err = queryDate(c, "maxDate"); err != nil {
		return err
	}
	f.Page, f.PerPage, f.NoCount = q.num, q.items, !q.includeCount
	events, total, err := h.store.Events(c.Request().Context(), httpx.Principal(c), f)
	if err != nil {
		return err
	}
	out := make([]apiEvent, len(events))
	for i, e := range events {
		out[i] = toAPIEvent(c, e)
	}
	return apiOK(c, http.StatusOK, newPage(c, q, out, total))
}

// queryDate reads an ISO 8601 date-time (or a bare date) from the query.
func queryDate(c echo.Context, name string) (time.Time, error) {
	v := c.QueryParam(name)
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t, nil
	}
	return time.Time{}, httpx.BadRequest("INVALID_DATE", name, "%s %q is not an ISO 8601 date and time such as 2026-11-28T11:23:00Z.", name, shortForMessage(v))
}
