package views

import (
	"net/url"

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

func (a ActivityPage) query() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"project": a.ProjectID, "cluster": a.Cluster, "type": a.Type} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// cursorURL is the page of events before or after the event with id,
// with the current filters.
func (a ActivityPage) cursorURL(key, id string) string {
	q := a.query()
	if key != "" {
		q.Set(key, id)
	}
	return orgURL(a.Org.ID, "/activity?"+q.Encode())
}

// exportURL is the download, in format, of every event the current
// filters select.
func (a ActivityPage) exportURL(format string) string {
	q := a.query()
	q.Set("format", format)
	return orgURL(a.Org.ID, "/activity/export?"+q.Encode())
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

// filtered reports whether the feed is narrowed by a filter, so that an
// empty feed says why.
func (a ActivityPage) filtered() bool { return a.ProjectID != "" || a.Cluster != "" || a.Type != "" }
