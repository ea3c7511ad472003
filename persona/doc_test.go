package persona_test

import (
	"path/filepath"
	"testing"

	"github.com/antipersona/antipersona/internal/golden"
	"github.com/antipersona/antipersona/persona"
)

// TestDocs checks that docs/personas.md is persona.Markdown(); run
// "go generate ./persona" to rewrite it.
func TestDocs(t *testing.T) {
	golden.Doc(t, filepath.Join("..", "docs", "personas.md"), persona.Markdown(), "persona")
}
