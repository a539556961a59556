package handlers

import (
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
)

// apiNotFound answers an unmatched request under the API prefixes, so that
// the console's login redirect never catches it: 405 with Allow when the
// path is known under other methods, else 404. (A catch-all route outranks
// Echo's own 405, so the check is made here.)
func apiNotFound(c echo.Context) error {
	var allow []string
	for _, r := range c.Echo().Routes() {
		if !strings.Contains(r.Path, "*") && routeMatches(r.Path, c.Request().URL.Path) && !slices.Contains(allow, r.Method) {
			allow = append(allow, r.Method)
		}
	}
	if len(allow) > 0 {
		c.Response().Header().Set(echo.HeaderAllow, strings.Join(allow, ", "))
		return echo.ErrMethodNotAllowed
	}
	return echo.ErrNotFound
}

// routeMatches reports whether a path fits a route pattern whose ":name"
// segments stand for any one non-empty segment.
func routeMatches(pattern, path string) bool {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if strings.HasPrefix(ps[i], ":") && xs[i] != "" {
			continue
		}
		if ps[i] != xs[i] {
			return false
		}
	}
	return true
}
