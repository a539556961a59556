package models

// MenuItems is what the ellipsis menu of a cluster's row offers, beside
// the link to the cluster's Support Access Log, which every row has. At
// most one of the items is offered, but for Revoke and Extend, which come
// with Expiry, and ReviewRequest, which comes with any of them.
type MenuItems struct {
	// SyncGrantForm is the one-click form that grants sync-data access.
	// It carries the user's CSRF token and a fresh request key, which a
	// row kept for every user leaves as holes filled for each page.
	SyncGrantForm bool
	// Expiry is the note of when the grant in force expires.
	Expiry bool
	// Revoke opens the confirmation that revokes the grant in force.
	Revoke bool
	// Extend opens the dialog that extends the grant in force in place.
	Extend bool
	// ReviewRequest opens the approval dialog of the cluster's pending
	// access request.
	ReviewRequest bool
	// GrantDialog opens the grant dialog, where the user picks a type.
	GrantDialog bool
	// StandingAccessNote tells a manager that support has standing access
	// while the organization does not block it.
	StandingAccessNote bool
	// ReadOnlyNote tells a user that their role cannot change support
	// access here.
	ReadOnlyNote bool
}

// ClusterMenu chooses the menu items of cv's row, as the source procedure
// describes them for the cluster's state, for a user who may (canManage)
// or may not manage grants. cv.Grant is the grant in force when the view
// was read, as its row shows it. A grant in force offers its expiry (and
// to a manager, revoking it); without one, a manager is offered the sync
// grant form where the organization does not block support and App
// Services sync is enabled, the grant dialog where it blocks support, and
// otherwise a note on standing access. A manager is also offered the
// review of a pending access request, and the extension of a grant in
// force.
func ClusterMenu(canManage bool, cv *ClusterView) MenuItems {
	var m MenuItems
	switch {
	case canManage && cv.Grant == nil && !cv.Org.BlockSupportAccess && cv.SyncEnabled:
		m.SyncGrantForm = true
	case cv.Grant != nil:
		m.Expiry, m.Revoke, m.Extend = true, canManage, canManage
	case canManage && cv.Org.BlockSupportAccess:
		m.GrantDialog = true
	case canManage:
		m.StandingAccessNote = true
	default:
		m.ReadOnlyNote = true
	}
	m.ReviewRequest = canManage && cv.Request != nil
	return m
}
