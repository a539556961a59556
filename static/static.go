// Package static holds the console's stylesheet, its small script and the
// vendored htmx, embedded into the binary.
package static

import "embed"

// FS holds the files served under /static/.
//
//go:embed *.css *.js *.svg
var FS embed.FS
