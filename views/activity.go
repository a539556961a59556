package views

import (
	"net/url"
	"strconv"

	"supportaccess/models"
)

// ActivityPage is an organization's activity feed with its filters.
type ActivityPage struct {
	Page   Page
	Org    models.Organization
	Events []models.Event
	Pager
	ProjectID string
	Cluster   string
	Type      string
	Projects  map[string]string // id → name, for the table
}

func (a ActivityPage) pageURL(n int) string {
	q := url.Values{}
	if a.ProjectID != "" {
		q.Set("project", a.ProjectID)
	}
	if a.Cluster != "" {
		q.Set("cluster", a.Cluster)
	}
	if a.Type != "" {
		q.Set("type", a.Type)
	}
	q.Set("page", strconv.Itoa(n))
	return orgURL(a.Org.ID, "/activity?"+q.Encode())
}

func actorLabel(e models.Event) string {
	switch e.ActorKind {
	case models.ActorSystem:
		return "System"
	case models.ActorAPIKey:
		return "API key " + e.ActorName
	case models.ActorServiceAccount:
		return "Service account " + e.ActorName
	}
	return e.ActorName
}

func i64(n int64) string { return strconv.FormatInt(n, 10) }

// filtered reports whether the feed is narrowed by a filter, so that an
// empty feed says why.
func (a ActivityPage) filtered() bool { return a.ProjectID != "" || a.Cluster != "" || a.Type != "" }
