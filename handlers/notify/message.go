// Package notify delivers the alerts the store queues (store.ClaimDeliveries):
// email over SMTP (email.go), signed webhooks (webhook.go), and the worker
// that claims due deliveries on every replica and records each attempt
// (worker.go). What a message says is here.
package notify

import (
	"fmt"
	"html/template"
	"strings"

	"supportaccess/models"
)

// message is what a delivery tells, in the words of both bodies.
type message struct {
	Subject  string
	Headline string // one human-readable line: what happened, where, until when
	Facts    [][2]string
	Link     string
	Action   string // the link's words; "Open the console" when empty
	Footer   string // why the reader gets it; alertFooter when empty
}

// alertFooter says why an alert's reader gets it.
const alertFooter = "You receive this because an alert of the project names you. Project owners change alerts on the project's Alerts page."

// ActionText is the words of the message's link.
func (m message) ActionText() string {
	if m.Action == "" {
		return "Open the console"
	}
	return m.Action
}

// FooterText says why the reader gets the message.
func (m message) FooterText() string {
	if m.Footer == "" {
		return alertFooter
	}
	return m.Footer
}

// when writes an instant as people read it, in UTC.
func when(i models.Instant) string { return i.Time().UTC().Format("Mon 2 Jan 2006, 15:04 MST") }

// compose builds the message of a delivery of an event in org and project;
// publicURL is where the console answers.
func compose(d models.AlertDelivery, org, project, publicURL string) message {
	e := d.Event
	where := project + " (" + org + ")"
	var head string
	switch e.Type {
	case models.EventGranted:
		head = fmt.Sprintf("Support access to %s in %s was granted until %s.", e.ClusterName, where, when(e.ExpiresAt))
	case models.EventExtended:
		head = fmt.Sprintf("Support access to %s in %s was extended until %s.", e.ClusterName, where, when(e.ExpiresAt))
	case models.EventReplaced:
		head = fmt.Sprintf("Support access to %s in %s was replaced by a grant of another kind, until %s.", e.ClusterName, where, when(e.ExpiresAt))
	case models.EventRequestCreated:
		head = fmt.Sprintf("MongoDB support asked for access to %s in %s. Approve or deny it in the console.", e.ClusterName, where)
	case models.EventRevoked:
		head = fmt.Sprintf("Support access to %s in %s was revoked; it would have lasted until %s.", e.ClusterName, where, when(e.ExpiresAt))
	case models.EventExpired:
		head = fmt.Sprintf("Support access to %s in %s ended at %s.", e.ClusterName, where, when(e.ExpiresAt))
	case models.EventExpiring:
		head = fmt.Sprintf("Support access to %s in %s ends at %s, within the hour.", e.ClusterName, where, when(e.ExpiresAt))
	default:
		head = models.AlertEventLabel(e.Type) + " in " + where
		if e.ClusterName != "" {
			head += " on " + e.ClusterName
		}
		head += "."
	}
	m := message{Subject: fmt.Sprintf("[%s] %s", project, models.AlertEventLabel(e.Type)), Headline: head}
	if e.ClusterName != "" {
		m.Subject += ": " + e.ClusterName
		m.Facts = append(m.Facts, [2]string{"Cluster", e.ClusterName})
	}
	if e.GrantType != "" {
		m.Facts = append(m.Facts, [2]string{"Access", e.GrantType.Label()})
	}
	if !e.ExpiresAt.IsZero() {
		m.Facts = append(m.Facts, [2]string{"Until", when(e.ExpiresAt)})
	}
	if e.Detail != "" {
		m.Facts = append(m.Facts, [2]string{"Detail", e.Detail})
	}
	m.Facts = append(m.Facts, [2]string{"Project", where}, [2]string{"By", actorOf(e)}, [2]string{"When", when(e.CreatedAt)})
	if publicURL != "" {
		m.Link = strings.TrimRight(publicURL, "/") + "/groups/" + e.ProjectID + "/clusters"
	}
	return m
}

func actorOf(e models.Event) string {
	if e.ActorName == "" || e.ActorKind == models.ActorSystem {
		return "the console, on its own"
	}
	return e.ActorName
}

// text is the plain-text body.
func (m message) text() string {
	var b strings.Builder
	b.WriteString(m.Headline + "\n\n")
	for _, f := range m.Facts {
		fmt.Fprintf(&b, "%-8s %s\n", f[0]+":", f[1])
	}
	if m.Link != "" {
		b.WriteString("\n" + m.ActionText() + ": " + m.Link + "\n")
	}
	b.WriteString("\n" + m.FooterText() + "\n")
	return b.String()
}

// html is the HTML body: one card, inline styles (mail clients drop style sheets).
func (m message) html() (string, error) {
	var b strings.Builder
	err := mailHTML.Execute(&b, m)
	return b.String(), err
}

var mailHTML = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Subject}}</title></head>
<body style="margin:0;padding:24px 12px;background:#f3f4f6;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1c2127">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border:1px solid #e5e7eb;border-radius:8px">
<tr><td style="padding:16px 24px;border-bottom:1px solid #e5e7eb;font-size:13px;font-weight:600;color:#0b6e4f;letter-spacing:.02em">Support Access Console</td></tr>
<tr><td style="padding:24px 24px 8px;font-size:18px;line-height:1.4;font-weight:600">{{.Headline}}</td></tr>
<tr><td style="padding:8px 24px 16px"><table role="presentation" cellpadding="0" cellspacing="0" style="font-size:14px;line-height:1.6">
{{range .Facts}}<tr><td style="padding:2px 16px 2px 0;color:#6b7280;vertical-align:top;white-space:nowrap">{{index . 0}}</td><td style="padding:2px 0">{{index . 1}}</td></tr>{{end}}
</table></td></tr>
{{if .Link}}<tr><td style="padding:8px 24px 24px"><a href="{{.Link}}" style="display:inline-block;background:#0b6e4f;color:#ffffff;text-decoration:none;font-size:14px;font-weight:600;padding:10px 18px;border-radius:6px">{{.ActionText}}</a></td></tr>{{end}}
<tr><td style="padding:16px 24px;border-top:1px solid #e5e7eb;font-size:12px;line-height:1.5;color:#6b7280">{{.FooterText}}</td></tr>
</table></td></tr></table></body></html>`))
