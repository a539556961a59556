package atlasapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
)

// apiOK writes a success body in the negotiated media type.
func apiOK(c echo.Context, status int, body any) error {
	v, _ := c.Get(ctxAPIVersion).(string)
	return httpx.WriteAPIBody(c, status, "application/vnd.atlas."+v+"+json; charset=utf-8", body)
}

// apiNoContent answers 204, or its envelope.
func apiNoContent(c echo.Context) error {
	if c.QueryParam("envelope") == "true" {
		return apiOK(c, http.StatusNoContent, nil)
	}
	return c.NoContent(http.StatusNoContent)
}

// apiLink is one entry of a links array.
type apiLink struct {
	Href string `json:"href"`
	Rel  string `json:"rel"`
}

// selfLinks is the links array of one resource.
func selfLinks(c echo.Context, path string) []apiLink {
	return []apiLink{{Href: baseURL(c) + path, Rel: "self"}}
}

func baseURL(c echo.Context) string { return c.Scheme() + "://" + c.Request().Host }

// apiTime formats an instant as the Atlas API does: UTC with Z, and the
// milliseconds when there are any (trailing zeros dropped, as Go clients
// write them), so that a time written with a fraction of a second reads
// back equal to what was written.
func apiTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.999Z") }
