package seal

import (
	"fmt"
	"time"
)

// Summary says in one line what a check found, as the verify command
// prints it: "intact up to <time>", or the first row that does not match
// and how.
func (r Report) Summary() string {
	if f := r.Finding; f != nil {
		what := fmt.Sprintf("batch %d", f.Batch)
		if f.Batch == 0 {
			what = "the export" // its end record, not a seal
		}
		if f.ID != "" {
			what = fmt.Sprintf("%s %s (batch %d, %s)", f.Kind.Label(), f.ID, f.Batch, When(f.At))
		} else if f.Kind != 0 {
			what = fmt.Sprintf("an %s of %s", f.Kind.Label(), When(f.At))
		}
		return fmt.Sprintf("NOT INTACT: %s %s: %s", what, f.Problem, f.Detail)
	}
	if r.Batches == 0 {
		return "nothing sealed yet"
	}
	s := "intact up to " + When(r.Through)
	if r.From != 0 {
		s += ", from " + When(r.From) + " (older rows removed by retention)"
	}
	return s
}

// When is an instant in UTC, to the second, as reports show it.
func When(ns int64) string {
	if ns == 0 {
		return "the start"
	}
	return time.Unix(0, ns).UTC().Format("2006-01-02 15:04:05 UTC")
}
