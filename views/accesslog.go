package views

import (
	"net/url"

	"supportaccess/models"
)

// AccessLogPage is an organization's Support Access Log with its filters.
type AccessLogPage struct {
	Page      Page
	Org       models.Organization
	Decisions []models.AccessDecision
	Pager
	ProjectID  string
	Cluster    string
	Outcome    string // "", "allowed" or "denied"
	Scope      string
	CaseNumber string
	GrantID    string
	From       string
	To         string
	Projects   map[string]string // id → name, for the table
	// Requests are the access requests whose approval made the grants
	// in force at the decisions shown, by grant id.
	Requests map[string]models.SupportAccessRequest
}

// AccessLogURL is the Support Access Log of an organization, narrowed by
// the given query (project, cluster, grant, ...).
func AccessLogURL(orgID string, q url.Values) string {
	if len(q) == 0 {
		return orgURL(orgID, "/support-access-log")
	}
	return orgURL(orgID, "/support-access-log?"+q.Encode())
}

// grantAccessLogURL is the log of the decisions taken under one grant.
func grantAccessLogURL(e models.Event) string {
	return AccessLogURL(e.OrgID, url.Values{"grant": {e.GrantID}})
}

func (a AccessLogPage) query() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"project": a.ProjectID, "cluster": a.Cluster, "outcome": a.Outcome,
		"scope": a.Scope, "case": a.CaseNumber, "grant": a.GrantID, "from": a.From, "to": a.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// cursorURL is the page of rows before or after the row with id, with
// the current filters.
func (a AccessLogPage) cursorURL(key, id string) string {
	q := a.query()
	if key != "" {
		q.Set(key, id)
	}
	return AccessLogURL(a.Org.ID, q)
}

// exportURL is the download, in format, of every decision the current
// filters select.
func (a AccessLogPage) exportURL(format string) string {
	q := a.query()
	q.Set("format", format)
	return orgURL(a.Org.ID, "/support-access-log/export?"+q.Encode())
}

// caseURL narrows the current view to one case number.
func (a AccessLogPage) caseURL(caseNumber string) string {
	q := a.query()
	q.Set("case", caseNumber)
	return AccessLogURL(a.Org.ID, q)
}

func (a AccessLogPage) filtered() bool { return len(a.query()) > 0 }

func outcomeLabel(d models.AccessDecision) string {
	if d.Allowed {
		return "Allowed"
	}
	return "Denied"
}

func outcomeValue(d models.AccessDecision) string {
	if d.Allowed {
		return "allowed"
	}
	return "denied"
}

func viaLabel(via string) string {
	if via == models.ViaDatabaseLogDownload {
		return "Database log download"
	}
	return "Access decision"
}
