package models

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestModelsHoldNoQueryCode: no file of the package but its tests imports
// GORM (any gorm.io package) or database/sql; storage lives in package
// store. database/sql/driver, were Instant ever to need a Valuer, would
// be allowed.
func TestModelsHoldNoQueryCode(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, imp := range f.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(path, "gorm.io/") || path == "database/sql" {
				t.Errorf("%s imports %s: query code belongs in package store", name, path)
			}
		}
	}
	if checked < 10 {
		t.Fatalf("checked %d files; is the test running in the package's folder?", checked)
	}
}
