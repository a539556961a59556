package models

import "time"

// Instant is a moment stored as Unix nanoseconds. SQLite keeps time.Time as
// text whose fractional part varies in length, so comparisons in SQL would be
// lexical and wrong; an integer compares the same way on SQLite and PostgreSQL.
// The zero Instant means "never" or "not set".
type Instant int64

// At converts a time to an Instant.
func At(t time.Time) Instant { return Instant(t.UnixNano()) }

// Time converts the Instant back to a UTC time. The zero Instant gives the zero time.
func (i Instant) Time() time.Time {
	if i == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(i)).UTC()
}

// IsZero reports whether the Instant is unset.
func (i Instant) IsZero() bool { return i == 0 }
