// Package views holds the console's templ components: the layout, one file
// per page with the partials htmx swaps into it, and small helpers.
package views

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"supportaccess/models"
)

// Page is the layout's data, built once per request by the handlers.
type Page struct {
	Title      string
	UserEmail  string
	CSRF       string
	Orgs       []models.Organization
	Org        *models.Organization
	Projects   []models.ProjectSummary
	Project    *models.Project
	Section    string // which sidebar item is current
	IsOrgOwner bool
	// PendingRequests is how many access requests the user may see wait
	// for an answer, for the sidebar's count.
	PendingRequests int64
	Flash           string
	PollSeconds     int
}

// hxHeaders is the JSON htmx adds to every request it sends: the CSRF token.
func (p Page) hxHeaders() string {
	b, _ := json.Marshal(map[string]string{"X-CSRF-Token": p.CSRF})
	return string(b)
}

// LoggedIn reports whether the page is for a logged-in user.
func (p Page) LoggedIn() bool { return p.UserEmail != "" }

func orgURL(orgID, rest string) string     { return "/orgs/" + orgID + rest }
func groupURL(groupID, rest string) string { return "/groups/" + groupID + rest }
func clusterURL(groupID, name, rest string) string {
	return "/groups/" + groupID + "/clusters/" + name + rest
}

// FormatTime shows an instant in UTC, as the whole console does.
func FormatTime(t time.Time) string { return t.UTC().Format("Jan 2, 2006, 15:04 UTC") }

// FormatTimeSeconds shows an instant to the second.
func FormatTimeSeconds(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

// FormatRemaining shows a duration as hh:mm:ss, the countdown's format.
func FormatRemaining(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int64(d / time.Second)
	return fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
}

func unixMillis(i models.Instant) string { return strconv.FormatInt(int64(i)/1e6, 10) }

func itoa(n int) string { return strconv.Itoa(n) }

// clusterCount says how many clusters a project has, for its menu entry.
func clusterCount(n int) string {
	if n == 1 {
		return "1 cluster"
	}
	return strconv.Itoa(n) + " clusters"
}
