package features_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/antipersona/antipersona/features"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestDocs checks that docs/features.md is features.Markdown(); run
// "go generate ./features" (or go test ./features -update) to rewrite it.
func TestDocs(t *testing.T) {
	path := filepath.Join("..", "docs", "features.md")
	got := features.Markdown()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go generate ./features)", err)
	}
	if got != string(want) {
		t.Errorf("%s is out of date with features.List: run go generate ./features", path)
	}
}
