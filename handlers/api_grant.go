package handlers

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"supportaccess/models"
)

// clusterAction is the handler of one custom method on a cluster
// (POST .../clusters/{name}:{action}), given the checked path.
type clusterAction func(c echo.Context, groupID, cluster string) error

// clusterActions answers POST /groups/{groupId}/clusters/{name}:{action}
// with the handler routes.go names for the action. Echo's router reads
// ':' as the start of a parameter, so the route captures the whole last
// segment and the action is split off here: an unknown action is 404, a
// segment with none (a plain cluster path) 405.
func clusterActions(actions map[string]clusterAction) echo.HandlerFunc {
	return func(c echo.Context) error {
		seg := c.Param("clusterName")
		i := strings.LastIndex(seg, ":")
		if i < 0 {
			if j := strings.Index(strings.ToLower(seg), "%3a"); j >= 0 {
				i, seg = j, seg[:j]+":"+seg[j+3:]
			}
		}
		if i < 0 {
			return echo.ErrMethodNotAllowed
		}
		action, ok := actions[seg[i+1:]]
		if !ok {
			return echo.ErrNotFound
		}
		id, err := pathID(c, "groupId", "INVALID_GROUP_ID")
		if err != nil {
			return err
		}
		name, err := pathClusterName(seg[:i])
		if err != nil {
			return err
		}
		return action(c, id, name)
	}
}

// apiGrant grants support access with the body's type and expiration; the
// rules (known type, sync only where enabled, at most 24 hours ahead) are
// models.ValidateGrant's, applied inside GrantAccess.
func (s *Server) apiGrant(c echo.Context, groupID, cluster string) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	t, expires, err := decodeGrantRequest(body)
	if err != nil {
		return err
	}
	_, err = s.store.GrantAccess(c.Request().Context(), actor(c), models.GrantRequest{
		ProjectID: groupID, ClusterName: cluster, Type: t, ExpiresAt: expires})
	if err != nil {
		return err
	}
	return apiNoContent(c)
}

// apiRevoke ends the grant in force; with none it changes nothing and
// still answers 204, so that a retry is safe.
func (s *Server) apiRevoke(c echo.Context, groupID, cluster string) error {
	if _, _, err := s.store.RevokeAccess(c.Request().Context(), actor(c), groupID, cluster); err != nil {
		return err
	}
	return apiNoContent(c)
}

// grantBody is the grant request of the Atlas schema. links is read-only
// there; a client that echoes it back is not refused.
type grantBody struct {
	GrantType      *string         `json:"grantType"`
	ExpirationTime *string         `json:"expirationTime"`
	Links          json.RawMessage `json:"links"`
}

// decodeGrantRequest reads a grant body strictly: one JSON object with a
// known grantType and an RFC 3339 expirationTime, nothing else.
func decodeGrantRequest(body []byte) (models.GrantType, time.Time, error) {
	var b grantBody
	if err := decodeStrict(body, &b); err != nil {
		return "", time.Time{}, err
	}
	if b.GrantType == nil {
		return "", time.Time{}, badRequest("MISSING_ATTRIBUTE", "grantType", "Attribute grantType is required.")
	}
	t := models.GrantType(*b.GrantType)
	if !t.Valid() {
		return "", time.Time{}, badRequest("INVALID_ENUM_VALUE", "grantType", "Unknown grantType %q: use CLUSTER_INFRASTRUCTURE, CLUSTER_DATABASE_LOGS or CLUSTER_INFRASTRUCTURE_AND_APP_SERVICES_SYNC_DATA.", shortForMessage(*b.GrantType))
	}
	if b.ExpirationTime == nil {
		return "", time.Time{}, badRequest("MISSING_ATTRIBUTE", "expirationTime", "Attribute expirationTime is required.")
	}
	exp, err := time.Parse(time.RFC3339, *b.ExpirationTime)
	if err != nil {
		return "", time.Time{}, badRequest("INVALID_DATE", "expirationTime", "expirationTime %q is not an RFC 3339 date and time such as 2026-11-28T11:23:00Z.", shortForMessage(*b.ExpirationTime))
	}
	return t, exp.UTC(), nil
}
