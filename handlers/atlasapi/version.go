package atlasapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
)

// Versions of the Atlas media types this server serves: each endpoint
// serves exactly one, the one the contract names for it.
const (
	V20230101 = "2023-01-01" // organizations, settings, projects, events
	V20240805 = "2024-08-05" // clusters, grant and revoke, a cluster's processArgs
	V20241113 = "2024-11-13" // flex clusters
	V20250219 = "2025-02-19" // a project's users, the version Atlas clients send
	V20261201 = "2026-12-01" // our customer extensions: the Support Access Log and its export, the support access policy, requests
)

const ctxAPIVersion = "Version"

// Version negotiates the media type for an endpoint that serves one
// version and checks the pretty and envelope flags.
func Version(version string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !acceptsVersion(c.Request().Header.Get("Accept"), version) {
				return httpx.NewProblem(http.StatusNotAcceptable, "INVALID_VERSION",
					"This endpoint serves version "+version+": send Accept: application/vnd.atlas."+version+"+json, application/json or */*.")
			}
			c.Set(ctxAPIVersion, version)
			for _, q := range []string{"pretty", "envelope"} {
				if v := c.QueryParam(q); v != "" && v != "true" && v != "false" {
					return httpx.BadRequest("INVALID_QUERY_PARAMETER", q, "Query parameter %s takes true or false, not %q.", q, v)
				}
			}
			return next(c)
		}
	}
}

// acceptsVersion reports whether an Accept header allows the version:
// its own media type, or application/json and wildcards, which get the
// newest (an endpoint here serves one). Ranges with q=0 are refusals.
func acceptsVersion(accept, version string) bool {
	if strings.TrimSpace(accept) == "" {
		return true
	}
	for _, r := range strings.Split(accept, ",") {
		mt, params, _ := strings.Cut(r, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
		if refused(params) {
			continue
		}
		switch mt {
		case "application/vnd.atlas." + version + "+json", "application/json", "application/*", "*/*":
			return true
		}
	}
	return false
}

// refused reports whether media range parameters carry q=0.
func refused(params string) bool {
	for _, p := range strings.Split(params, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if strings.EqualFold(k, "q") {
			f, err := strconv.ParseFloat(v, 64)
			return err == nil && f == 0
		}
	}
	return false
}
