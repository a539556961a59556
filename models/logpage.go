package models

// LogCursor says where a page of a log starts, by keyset rather than by
// offset: the rows older than the row with id Before, or newer than the
// row with id After (at most one is set; neither is the newest rows).
// Reading a page costs the same at any depth.
type LogCursor struct {
	Before string
	After  string
}

// LogPage is one page of a log (the Support Access Log, the activity
// feed), newest first.
type LogPage[T any] struct {
	Rows []T
	// Total is how many rows match, exact unless TotalOver, in which case
	// more than Total match: counting every row of a large log is the
	// cost a page must not pay.
	Total     int64
	TotalOver bool
	// Newer and Older tell whether rows exist beyond either end.
	Newer, Older bool
}
