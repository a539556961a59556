package atlasapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"supportaccess/handlers/httpx"
	"supportaccess/models"
)

// apiCluster is a cluster description (version 2024-08-05) with the grant
// in force, if any.
type apiCluster struct {
	ID                  string          `json:"id"`
	GroupID             string          `json:"groupId"`
	Name                string          `json:"name"`
	ClusterType         string          `json:"clusterType"`
	MongoDBVersion      string          `json:"mongoDBVersion"`
	MongoDBMajorVersion string          `json:"mongoDBMajorVersion"`
	StateName           string          `json:"stateName"`
	Paused              bool            `json:"paused"`
	CreateDate          string          `json:"createDate"`
	Links               []apiLink       `json:"links"`
	Grant               *apiGrantStatus `json:"mongoDBEmployeeAccessGrant,omitempty"`
}

// apiGrantStatus is the grant in force on a cluster.
type apiGrantStatus struct {
	GrantType      string    `json:"grantType"`
	ExpirationTime string    `json:"expirationTime"`
	Links          []apiLink `json:"links"`
}

func toAPICluster(c echo.Context, v models.ClusterView) apiCluster {
	self := "/api/atlas/v2/groups/" + v.ProjectID + "/clusters/" + v.Name
	out := apiCluster{ID: v.ID, GroupID: v.ProjectID, Name: v.Name, ClusterType: v.ClusterType,
		MongoDBVersion: v.MongoDBVersion, MongoDBMajorVersion: v.MajorVersion(), StateName: v.StateName,
		Paused: v.Paused, CreateDate: apiTime(v.CreatedAt.Time()), Links: selfLinks(c, self)}
	if v.Grant != nil {
		out.Grant = &apiGrantStatus{GrantType: string(v.Grant.Type), ExpirationTime: apiTime(v.Grant.ExpiresAt.Time()),
			Links: selfLinks(c, self)}
	}
	return out
}

// ClustersList answers GET /groups/{groupId}/clusters.
func (h *Handler) ClustersList(c echo.Context) error {
	id, err := pathID(c, "groupId", "INVALID_GROUP_ID")
	if err != nil {
		return err
	}
	q, err := parsePage(c)
	if err != nil {
		return err
	}
	l, err := h.store.ClusterList(c.Request().Context(), httpx.Principal(c), id)
	if err != nil {
		return err
	}
	out := make([]apiCluster, len(l.Clusters))
	for i, v := range l.Clusters {
		out[i] = toAPICluster(c, v)
	}
	return apiOK(c, http.StatusOK, slicePage(c, q, out))
}
