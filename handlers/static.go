package handlers

import (
	"io/fs"
	"net/http"
)

// filesOnly serves the files of an fs.FS and nothing for its directories:
// http.FileServer would list a directory, which tells a visitor what else
// is there (and an index.html nobody meant to publish would be served).
type filesOnly struct{ fsys fs.FS }

// Open opens name when it is a file, and answers fs.ErrNotExist (404) for
// a directory.
func (f filesOnly) Open(name string) (fs.File, error) {
	file, err := f.fsys.Open(name)
	if err != nil {
		return nil, err
	}
	if st, err := file.Stat(); err != nil || st.IsDir() {
		_ = file.Close()
		return nil, fs.ErrNotExist
	}
	return file, nil
}

// staticFiles is the handler of /static/: the embedded files, no listings.
func staticFiles(fsys fs.FS) http.Handler {
	return http.StripPrefix("/static/", http.FileServer(http.FS(filesOnly{fsys})))
}
