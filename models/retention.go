package models

import "time"

// DefaultRetentionDays is how long an organization's Support Access Log
// and activity feed are kept unless its policy says otherwise: a year,
// and a month to spare for the auditor who asks for "the last year".
const DefaultRetentionDays = 400

// MinRetentionDays and MaxRetentionDays bound a retention an
// organization may choose.
const (
	MinRetentionDays = 30
	MaxRetentionDays = 3650
)

// RetentionCutoff is the instant before which an organization with a
// retention of days removes its log rows, at now.
func RetentionCutoff(now time.Time, days int) time.Time {
	return now.Add(-time.Duration(days) * 24 * time.Hour)
}
