package models

import "time"

// The retention itself is part of the support access policy
// (DefaultRetentionDays, MinRetentionDays and MaxRetentionDays in
// policy.go).

// RetentionCutoff is the instant before which an organization with a
// retention of days removes its log rows, at now.
func RetentionCutoff(now time.Time, days int) time.Time {
	return now.Add(-time.Duration(days) * 24 * time.Hour)
}
