package handlers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// apiGroupByName answers GET /groups/byName/{groupName}, the way
// Terraform's project data source looks a project up by name. The answer
// is the one GET /groups/{groupId} gives.
func (s *Server) apiGroupByName(c echo.Context) error {
	if strings.Contains(c.Param("groupName"), "/") {
		return echo.ErrNotFound // a path below the name, as in pathID
	}
	name, err := url.PathUnescape(c.Param("groupName"))
	if err != nil || name == "" {
		return badRequest("INVALID_GROUP_NAME", "groupName", "groupName %q is not a project name.", clip(c.Param("groupName")))
	}
	pr, err := s.store.VisibleProjectByName(c.Request().Context(), principal(c), name)
	if err != nil {
		return err
	}
	return apiOK(c, http.StatusOK, toAPIGroup(c, pr))
}
