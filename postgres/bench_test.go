package postgres

import (
	"context"
	"testing"

	"github.com/antipersona/antipersona/internal/pgtest"
	"github.com/antipersona/antipersona/storetest"
)

// BenchmarkWriteBatchEvents measures storing batches of 1,000 new events
// (the size the server's ingest endpoint writes), each batch one
// transaction committed with fsync on: COPY into the staging table, then
// the merge into events.
func BenchmarkWriteBatchEvents(b *testing.B) {
	s, err := Open(context.Background(), pgtest.DSN(b), pgtest.NewWorkspace(b), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchWriteEvents(b, s, 1000)
}
