package features_test

import (
	"path/filepath"
	"testing"

	"github.com/antipersona/antipersona/features"
	"github.com/antipersona/antipersona/internal/golden"
)

// TestDocs checks that docs/features.md is features.Markdown(); run
// "go generate ./features" to rewrite it.
func TestDocs(t *testing.T) {
	golden.Doc(t, filepath.Join("..", "docs", "features.md"), features.Markdown(), "features")
}
