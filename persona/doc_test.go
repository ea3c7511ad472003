package persona_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/antipersona/antipersona/persona"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestDocs checks that docs/personas.md is persona.Markdown(); run
// "go generate ./persona" to rewrite it.
func TestDocs(t *testing.T) {
	path := filepath.Join("..", "docs", "personas.md")
	got := persona.Markdown()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go generate ./persona)", err)
	}
	if got != string(want) {
		t.Errorf("%s is out of date: run go generate ./persona", path)
	}
}
