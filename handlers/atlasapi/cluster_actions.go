package atlasapi

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// ClusterAction is the handler of one custom method on a cluster
// (POST .../clusters/{name}:{action}), given the checked path.
type ClusterAction func(c echo.Context, groupID, cluster string) error

// ClusterActions answers POST /groups/{groupId}/clusters/{name}:{action}
// with the handler routes.go names for the action. Echo's router reads
// ':' as the start of a parameter, so the route captures the whole last
// segment and the action is split off here: an unknown action is 404, a
// segment with none (a plain cluster path) 405.
func ClusterActions(actions map[string]ClusterAction) echo.HandlerFunc {
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
