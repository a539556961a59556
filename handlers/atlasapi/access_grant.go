package atlasapi

import (
	"encoding/json"
	"time"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
)

// GrantAccess grants support access with the body's type and expiration; the
// rules (known type, sync only where enabled, at most 24 hours ahead) are
// models.ValidateGrant's, applied inside GrantAccess.
func (h *Handler) GrantAccess(c echo.Context, groupID, cluster string) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	t, expires, err := decodeGrantRequest(body)
	if err != nil {
		return err
	}
	_, err = h.store.GrantAccess(c.Request().Context(), httpx.Actor(c), models.GrantRequest{
		ProjectID: groupID, ClusterName: cluster, Type: t, ExpiresAt: expires})
	if err != nil {
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
		return "", time.Time{}, httpx.BadRequest("MISSING_ATTRIBUTE", "grantType", "Attribute grantType is required.")
	}
	t := models.GrantType(*b.GrantType)
	if !t.Valid() {
		return "", time.Time{}, httpx.BadRequest("INVALID_ENUM_VALUE", "grantType", "Unknown grantType %q: use CLUSTER_INFRASTRUCTURE, CLUSTER_DATABASE_LOGS or CLUSTER_INFRASTRUCTURE_AND_APP_SERVICES_SYNC_DATA.", shortForMessage(*b.GrantType))
	}
	if b.ExpirationTime == nil {
		return "", time.Time{}, httpx.BadRequest("MISSING_ATTRIBUTE", "expirationTime", "Attribute expirationTime is required.")
	}
	exp, err := time.Parse(time.RFC3339, *b.ExpirationTime)
	if err != nil {
		return "", time.Time{}, httpx.BadRequest("INVALID_DATE", "expirationTime", "expirationTime %q is not an RFC 3339 date and time such as 2026-11-28T11:23:00Z.", shortForMessage(*b.ExpirationTime))
	}
	// Timestamps keep milliseconds, as Atlas's do: a finer fraction, which
	// Go clients send for time.Now()-based times, is dropped here, so that
	// what is stored is what every answer shows.
	return t, exp.UTC().Truncate(time.Millisecond), nil
}
