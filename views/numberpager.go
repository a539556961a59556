package views

import "strconv"

// NumberPager is where a list paged by number stands: which page, how many
// a page, and how many in all. The Access Requests page uses it; the two
// logs, which grow by millions of rows, page by keyset instead (Pager).
type NumberPager struct {
	PageNum int
	PerPage int
	Total   int64
}

func (p NumberPager) first() int64 {
	if p.Total == 0 {
		return 0
	}
	return int64((p.PageNum-1)*p.PerPage + 1)
}

func (p NumberPager) last() int64 {
	return min(int64(p.PageNum*p.PerPage), p.Total)
}

func (p NumberPager) hasNext() bool { return int64(p.PageNum*p.PerPage) < p.Total }

func i64(n int64) string { return strconv.FormatInt(n, 10) }
