package views

// RecordCheck is the outcome of verifying an organization's record, as
// the Verify control shows it (built by the handler from the store's
// check).
type RecordCheck struct {
	Intact   bool
	Headline string // "Intact up to ...", or what does not match
	Detail   string // what was checked, or where the first mismatch is
}

// verifyBack is the log page a whole Verify page links back to.
func verifyBack(orgID, from string) (string, string) {
	if from == "activity" {
		return orgURL(orgID, "/activity"), "Back to the Activity Feed"
	}
	return orgURL(orgID, "/support-access-log"), "Back to the Support Access Log"
}
