package views

import (
	"strconv"

	"supportaccess/models"
)

// Pager is where a log's page stands: how many rows it shows of how many
// match, and the rows at its ends, from which the Newer and Older links
// start (by keyset: the rows newer than the first, older than the last).
// The activity feed and the Support Access Log share it.
type Pager struct {
	PerPage   int
	Shown     int
	Total     int64
	TotalOver bool   // more than Total match
	NewerFrom string // the first row's id, when newer rows exist
	OlderFrom string // the last row's id, when older rows exist
	// Back: newer rows exist but this page shows none (its cursor's row
	// was the oldest, or older rows have gone since): link to the newest.
	Back bool
}

// NewPager is the pager of one page of a log; id gives a row's id.
func NewPager[T any](p models.LogPage[T], perPage int, id func(*T) string) Pager {
	g := Pager{PerPage: perPage, Shown: len(p.Rows), Total: p.Total, TotalOver: p.TotalOver}
	g.Back = len(p.Rows) == 0 && p.Newer
	if len(p.Rows) > 0 {
		if p.Newer {
			g.NewerFrom = id(&p.Rows[0])
		}
		if p.Older {
			g.OlderFrom = id(&p.Rows[len(p.Rows)-1])
		}
	}
	return g
}

// totalText is how many rows match, in words.
func (p Pager) totalText() string {
	n := thousands(p.Total)
	if p.TotalOver {
		return "more than " + n
	}
	return n
}

// thousands writes n with thousands separators.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
