package storetest

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestOnlyTestsImportStoretest walks the module: no Go file but a test's
// or a test helper package's imports this package, which reads past the
// store's API, and no file of the product imports a test helper package.
func TestOnlyTestsImportStoretest(t *testing.T) {
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no module at %s: %v", root, err)
	}
	const self = "supportaccess/models/store/storetest"
	importers, files := 0, 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		files++
		// Tests, and the test helper packages (storetest, pgtest,
		// handlertest: a package named *test), which the second rule keeps
		// out of the product.
		testing := strings.HasSuffix(path, "_test.go") || strings.HasSuffix(f.Name.Name, "test")
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if p == self {
				importers++
				if !testing {
					t.Errorf("%s imports storetest, which only tests may", path)
				}
			}
			if strings.HasPrefix(p, "supportaccess/") && strings.HasSuffix(p, "test") && !testing {
				t.Errorf("%s imports the test helper package %s", path, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 || importers == 0 {
		t.Fatalf("walked %d Go files, %d importing storetest: not the module's tree?", files, importers)
	}
}
