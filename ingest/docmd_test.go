package ingest

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var updateDocs = flag.Bool("update", false, "rewrite docs/ingest.md")

// TestDocs checks that docs/ingest.md is Markdown(); run
// "go generate ./ingest" to rewrite it.
func TestDocs(t *testing.T) {
	path := filepath.Join("..", "docs", "ingest.md")
	got := Markdown()
	if *updateDocs {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil || string(want) != got {
		t.Errorf("%s is out of date with the ingest tables: run go generate ./ingest (%v)", path, err)
	}
}
