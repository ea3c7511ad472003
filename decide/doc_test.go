package decide_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/decide"
	"github.com/antipersona/antipersona/internal/golden"
)

// TestDocs checks that docs/decisions.md is decide.Markdown(); run
// "go generate ./decide" to rewrite it.
func TestDocs(t *testing.T) {
	golden.Doc(t, filepath.Join("..", "docs", "decisions.md"), decide.Markdown(), "decide")
}

// TestEveryReasonDocumented: no reason code is left out of the docs.
func TestEveryReasonDocumented(t *testing.T) {
	md := decide.Markdown()
	for _, c := range antipersona.ReasonCodes {
		if !strings.Contains(md, "| `"+c+"` | ") {
			t.Errorf("reason %s has no definition in docs/decisions.md", c)
		}
	}
}
