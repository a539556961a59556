package supportapi

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
)

// requestBody is the body of POST /api/support/v1/access-requests.
type requestBody struct {
	GroupID       string `json:"groupId"`
	ClusterName   string `json:"clusterName"`
	GrantType     string `json:"grantType"`
	DurationHours *int   `json:"durationHours"`
	CaseNumber    string `json:"caseNumber"`
	Justification string `json:"justification"`
}

// RequestCreate files an access request, which the customer sees at once.
func (h *Handler) RequestCreate(c echo.Context) error {
	var body requestBody
	dec := json.NewDecoder(http.MaxBytesReader(c.Response(), c.Request().Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		return models.Errorf(models.EINVALID, "The request body must be a JSON object with groupId, clusterName, grantType, durationHours (a whole number), caseNumber and justification.")
	}
	if !httpx.ControlFree(body.GroupID, body.ClusterName, body.GrantType, body.CaseNumber, body.Justification) {
		return models.Errorf(models.EINVALID, httpx.ErrControlChars)
	}
	if body.DurationHours == nil {
		return models.FieldError("durationHours", "durationHours is required: a whole number of hours, at most the customer's maximum.")
	}
	r, err := h.store.CreateRequest(c.Request().Context(), supportStaff(c), models.RequestInput{ProjectID: body.GroupID,
		ClusterName: body.ClusterName, GrantType: models.GrantType(body.GrantType), DurationHours: *body.DurationHours,
		CaseNumber: body.CaseNumber, Justification: body.Justification, RemoteAddr: c.RealIP()})
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusCreated, supportRequestJSON(r, nil, r.CreatedAt))
}

// writeJSON writes a support API answer.
func writeJSON(c echo.Context, status int, body any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		return err
	}
	return httpx.WriteBody(c, status, echo.MIMEApplicationJSON, buf.Bytes())
}
