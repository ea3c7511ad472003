package segments_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/antipersona/antipersona/segments"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestDocs checks that docs/segments.md is segments.Markdown of the
// defaults; run "go generate ./segments" to rewrite it.
func TestDocs(t *testing.T) {
	path := filepath.Join("..", "docs", "segments.md")
	got := segments.Markdown(segments.DefaultParams())
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go generate ./segments)", err)
	}
	if got != string(want) {
		t.Errorf("%s is out of date: run go generate ./segments", path)
	}
}
