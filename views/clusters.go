package views

import (
	"time"

	"supportaccess/models"
)

// ClustersPage is the data of a project's clusters page.
type ClustersPage struct {
	Page    Page
	Project models.Project
	Org     models.Organization
	// Version is the project's version the rows were read at
	// (models.ClusterList); it keys the rows' kept HTML (clusterRows).
	Version int64
	// Clusters are the rows' clusters, read only: the store shares them
	// with other pages.
	Clusters []models.ClusterView
	// What every row shares: whether the user may manage grants, the
	// moment, the user's CSRF token.
	CanManage bool
	Now       time.Time
	CSRF      string
	// RequestKeys are the sync forms' request keys, by row: a fresh one
	// for each row that NeedsRequestKey, "" for the others; nil when no
	// row needs one. The handler makes them, so that a render depends on
	// its data alone.
	RequestKeys []string
	// Rows keeps the HTML of the rows that are the same for every user,
	// for the next render of the same clusters (rowcache.go). It belongs
	// to the server; nil renders every row, and the page is the same.
	Rows *RowCache
}

// row is the i-th row of the page.
func (v *ClustersPage) row(i int) *ClusterRow {
	r := &ClusterRow{ClusterView: v.Clusters[i], CanManage: v.CanManage, Now: v.Now, CSRF: v.CSRF}
	if i < len(v.RequestKeys) {
		r.RequestKey = v.RequestKeys[i]
	}
	return r
}

// NeedsRequestKey reports whether the i-th row offers the sync grant
// form, whose request key the handler makes (RequestKeys).
func (v *ClustersPage) NeedsRequestKey(i int) bool {
	return offersSyncForm(v.CanManage, &v.Clusters[i])
}

// ClusterRow is one cluster with what its row shows and offers.
type ClusterRow struct {
	models.ClusterView
	CanManage bool
	Now       time.Time
	CSRF      string
	// RequestKey is the sync form's fresh request key, when the row
	// offers the form (NeedsRequestKey); the handler makes it.
	RequestKey string
}

// rowID is the stable id htmx swaps a row by.
func (r ClusterRow) rowID() string { return "cluster-" + r.Name }

// Blocked reports whether the organization blocks support access.
func (r ClusterRow) Blocked() bool { return r.Org.BlockSupportAccess }

// offersSyncForm reports whether the row's menu offers the sync grant
// form, which carries the user's CSRF token and a fresh request key.
func (r *ClusterRow) offersSyncForm() bool { return offersSyncForm(r.CanManage, &r.ClusterView) }

// NeedsRequestKey reports whether the row offers the sync grant form,
// whose request key the handler makes (RequestKey).
func (r *ClusterRow) NeedsRequestKey() bool { return r.offersSyncForm() }

// offersSyncForm reports whether a user who may (or may not) manage
// grants is offered the sync grant form on cv's row, as the menu's rule
// (models.ClusterMenu) chooses: no grant in force, support access not
// blocked (a blocked organization's rows offer the grant dialog instead)
// and App Services sync enabled. The menu (rowCells) follows that rule,
// and so does the handler that makes the forms' request keys; a kept row
// holds the form with holes for the token and the key (rowcache.go).
func offersSyncForm(canManage bool, cv *models.ClusterView) bool {
	return models.ClusterMenu(canManage, cv).SyncGrantForm
}

// GrantForm is the grant dialog's data: the choices, the one picked, and
// the error of a failed submission.
type GrantForm struct {
	Page    Page
	Row     ClusterRow
	Choices []models.GrantType
	// Hours is how long a grant lasts (the policy's maximum), and
	// PolicyNotes why the policy leaves out types it does not offer.
	Hours       int
	PolicyNotes []string
	Selected    models.GrantType
	RequestKey  string
	Error       string
}

// RevokeForm is the revoke confirmation's data.
type RevokeForm struct {
	Page  Page
	Row   ClusterRow
	Error string
}

func grantTypeHelp(t models.GrantType) string {
	switch t {
	case models.GrantInfrastructure:
		return "Support may reach the MongoDB and Atlas Search infrastructure of this cluster and read all of its cluster logs."
	case models.GrantDatabaseLogs:
		return "Support may download this cluster's database logs and nothing else. Database audit logs are not included."
	case models.GrantInfrastructureSync:
		return "Infrastructure and all cluster logs, plus App Services sync data of this cluster."
	}
	return ""
}
