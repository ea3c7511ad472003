package duckdb

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/antipersona/antipersona/storetest"
)

// TestContract runs the contract suite that every store passes.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store {
		s, err := Open(context.Background(), filepath.Join(t.TempDir(), "store.duckdb"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}
