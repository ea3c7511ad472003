package duckdb

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/antipersona/antipersona/storetest"
)

// BenchmarkWriteEvents measures storing batches of 100k new events (the
// dedupe probe grows with the table).
func BenchmarkWriteEvents(b *testing.B) {
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "s.duckdb"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchWriteEvents(b, s, 100_000)
}

// BenchmarkWriteBatchEvents measures storing batches of 1,000 new events
// (the size the server's ingest commits), each batch one transaction: the
// same work as postgres.BenchmarkWriteBatchEvents, its peer.
func BenchmarkWriteBatchEvents(b *testing.B) {
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.duckdb"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchWriteEvents(b, s, 1000)
}
