package handlers

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// Versions of the Atlas media types this server serves: each endpoint
// serves exactly one, the one the contract names for it.
const (
	apiV20230101 = "2023-01-01" // organizations, settings, projects, events
	apiV20240805 = "2024-08-05" // clusters, grant and revoke
)

const ctxAPIVersion = "apiVersion"

// apiVersion negotiates the media type for an endpoint that serves one
// version and checks the pretty and envelope flags.
func apiVersion(version string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !acceptsVersion(c.Request().Header.Get("Accept"), version) {
				return problem(http.StatusNotAcceptable, "INVALID_VERSION",
					"This endpoint serves version "+version+": send Accept: application/vnd.atlas."+version+"+json, application/json or */*.")
			}
			c.Set(ctxAPIVersion, version)
			for _, q := range []string{"pretty", "envelope"} {
				if v := c.QueryParam(q); v != "" && v != "true" && v != "false" {
					return badRequest("INVALID_QUERY_PARAMETER", q, "Query parameter %s takes true or false, not %q.", q, v)
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

// apiOK writes a success body in the negotiated media type.
func apiOK(c echo.Context, status int, body any) error {
	v, _ := c.Get(ctxAPIVersion).(string)
	return writeAPIBody(c, status, "application/vnd.atlas."+v+"+json; charset=utf-8", body)
}

// writeAPIBody writes an Admin API body, indented with ?pretty=true and
// wrapped as {"status", "content"} with HTTP 200 under ?envelope=true. A
// 401 is never wrapped: Digest clients must see it to answer the challenge.
func writeAPIBody(c echo.Context, status int, contentType string, body any) error {
	if c.QueryParam("envelope") == "true" && status != http.StatusUnauthorized {
		body = map[string]any{"status": status, "content": body}
		status = http.StatusOK
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // links carry '&'; the body is JSON, never HTML
	if c.QueryParam("pretty") == "true" {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(body); err != nil {
		return err
	}
	return writeBody(c, status, contentType, buf.Bytes())
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

// pageQuery is a list request's itemsPerPage, pageNum and includeCount.
type pageQuery struct {
	items, num   int
	includeCount bool
}

// parsePage reads the paging parameters, with the contract's defaults.
func parsePage(c echo.Context) (pageQuery, error) {
	q := pageQuery{items: 100, num: 1, includeCount: true}
	if v := c.QueryParam("itemsPerPage"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return q, badRequest("INVALID_QUERY_PARAMETER", "itemsPerPage", "itemsPerPage takes a whole number from 1 to 500, not %q.", v)
		}
		q.items = n
	}
	if v := c.QueryParam("pageNum"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			return q, badRequest("INVALID_QUERY_PARAMETER", "pageNum", "pageNum takes a whole number from 1, not %q.", v)
		}
		q.num = n
	}
	switch v := c.QueryParam("includeCount"); v {
	case "", "true":
	case "false":
		q.includeCount = false
	default:
		return q, badRequest("INVALID_QUERY_PARAMETER", "includeCount", "includeCount takes true or false, not %q.", v)
	}
	return q, nil
}

// apiPage is one page of a list.
type apiPage struct {
	Links      []apiLink `json:"links"`
	Results    any       `json:"results"`
	TotalCount *int64    `json:"totalCount,omitempty"`
}

// newPage builds a page of results with its self, previous and next links.
func newPage[T any](c echo.Context, q pageQuery, results []T, total int64) apiPage {
	if results == nil {
		results = []T{}
	}
	p := apiPage{Results: results, Links: []apiLink{{Href: pageURL(c, q.num), Rel: "self"}}}
	if q.num > 1 {
		p.Links = append(p.Links, apiLink{Href: pageURL(c, q.num-1), Rel: "previous"})
	}
	if int64(q.num)*int64(q.items) < total {
		p.Links = append(p.Links, apiLink{Href: pageURL(c, q.num+1), Rel: "next"})
	}
	if q.includeCount {
		p.TotalCount = &total
	}
	return p
}

// slicePage pages a list held in memory.
func slicePage[T any](c echo.Context, q pageQuery, all []T) apiPage {
	from := min((q.num-1)*q.items, len(all))
	to := min(from+q.items, len(all))
	return newPage(c, q, all[from:to], int64(len(all)))
}

func pageURL(c echo.Context, num int) string {
	u := *c.Request().URL
	v := u.Query()
	v.Set("pageNum", strconv.Itoa(num))
	u.RawQuery = v.Encode()
	return baseURL(c) + u.RequestURI()
}

// apiTime formats an instant as the Atlas API does: UTC, seconds, Z.
func apiTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }
