package views

// Pager is where a paged list stands: which page, how many a page, and how
// many in all. The activity feed and the Support Access Log share it.
type Pager struct {
	PageNum int
	PerPage int
	Total   int64
}

func (p Pager) first() int64 {
	if p.Total == 0 {
		return 0
	}
	return int64((p.PageNum-1)*p.PerPage + 1)
}

func (p Pager) last() int64 {
	return min(int64(p.PageNum*p.PerPage), p.Total)
}

func (p Pager) hasNext() bool { return int64(p.PageNum*p.PerPage) < p.Total }
