package views

import (
	"time"

	"supportaccess/models"
)

// ClustersPage is the data of a project's clusters page.
type ClustersPage struct {
	Page     Page
	Project  models.Project
	Org      models.Organization
	Clusters []ClusterRow
}

// ClusterRow is one cluster with what its row shows and offers.
type ClusterRow struct {
	models.ClusterView
	CanManage bool
	Now       time.Time
	CSRF      string
}

// rowID is the stable id htmx swaps a row by.
func (r ClusterRow) rowID() string { return "cluster-" + r.Name }

// Blocked reports whether the organization blocks support access.
func (r ClusterRow) Blocked() bool { return r.Org.BlockSupportAccess }

// GrantForm is the grant dialog's data: the choices, the one picked, and
// the error of a failed submission.
type GrantForm struct {
	Page       Page
	Row        ClusterRow
	Choices    []models.GrantType
	Selected   models.GrantType
	RequestKey string
	Error      string
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
