package ingest

import (
	"path/filepath"
	"testing"

	"github.com/antipersona/antipersona/internal/golden"
)

// TestDocs checks that docs/ingest.md is Markdown(); run
// "go generate ./ingest" to rewrite it.
func TestDocs(t *testing.T) {
	golden.Doc(t, filepath.Join("..", "docs", "ingest.md"), Markdown(), "ingest")
}
