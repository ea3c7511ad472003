package segments_test

import (
	"path/filepath"
	"testing"

	"github.com/antipersona/antipersona/internal/golden"
	"github.com/antipersona/antipersona/segments"
)

// TestDocs checks that docs/segments.md is segments.Markdown of the
// defaults; run "go generate ./segments" to rewrite it.
func TestDocs(t *testing.T) {
	golden.Doc(t, filepath.Join("..", "docs", "segments.md"), segments.Markdown(segments.DefaultParams()), "segments")
}
