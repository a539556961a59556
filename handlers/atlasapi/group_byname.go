package atlasapi

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
)

// GroupByName answers GET /groups/byName/{groupName}, the way
// Terraform's project data source looks a project up by name. The answer
// is the one GET /groups/{groupId} gives.
//
// The name is read from the escaped path and unescaped once: Echo's
// parameter is unescaped already or not depending on how the client
// spelled the path, and a name may hold '%' or an escaped '/'. An
// unescaped '/' is a path below the name, which no route serves.
func (h *Handler) GroupByName(c echo.Context) error {
	_, raw, _ := strings.Cut(c.Request().URL.EscapedPath(), "/groups/byName/")
	if strings.Contains(raw, "/") {
		return echo.ErrNotFound
	}
	name, err := url.PathUnescape(raw)
	if err != nil || name == "" {
		return httpx.BadRequest("INVALID_GROUP_NAME", "groupName", "groupName %q is not a project name.", shortForMessage(raw))
	}
	pr, err := h.store.VisibleProjectByName(c.Request().Context(), httpx.Principal(c), name)
	if err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, toAPIGroup(c, pr))
}
