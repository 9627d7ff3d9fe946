package store_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// sqlText matches the start of a SQL statement as Pantau writes them
// (upper-case keywords): prose such as "select a source" does not match.
var sqlText = regexp.MustCompile(`\b(SELECT\s+(DISTINCT\s+)?[\w*(%]|INSERT\s+INTO\b|ALTER\s+TABLE\b|CREATE\s+(TABLE|DATABASE|MATERIALIZED\s+VIEW|VIEW)\b|DROP\s+(TABLE|DATABASE|VIEW)\b|OPTIMIZE\s+TABLE\b|TRUNCATE\s+TABLE\b|RENAME\s+TABLE\b)`)

// sqlElsewhere lists the files outside store that may hold SQL text, and
// why. Nothing else may: every statement Pantau runs is behind a store
// function that the CLI, the API, the report and the web app share.
var sqlElsewhere = map[string]string{
	"dashboards/boards.go": "Grafana's panel queries: Grafana runs them (with its macros) against the server; dashboards_test runs each on chDB",
	"cli/demo.go":          "example queries printed for the analyst to type into `pantau sql`",
	"cli/sql.go":           "the examples in `pantau sql`'s help",
}

// TestSQLLivesInStore fails when a non-test Go file outside store/ holds
// SQL text.
func TestSQLLivesInStore(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found above store: %v", err)
	}
	checked := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "store" || strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		checked++
		if _, ok := sqlElsewhere[rel]; ok {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(data), "\n") {
			if m := sqlText.FindString(line); m != "" {
				t.Errorf("%s:%d: SQL outside store (%q): put the statement behind a store function", rel, i+1, m)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("only %d Go files checked: is the walk rooted at the module?", checked)
	}
	for f := range sqlElsewhere {
		if _, err := os.Stat(filepath.Join(root, f)); err != nil {
			t.Errorf("allowed file %s is gone: drop it from sqlElsewhere", f)
		}
	}
}
