package duckdb

import (
	"context"
	"math"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/antipersona/antipersona"
)

// BenchmarkWriteEvents measures storing batches of 100k new events (the
// dedupe probe grows with the table).
func BenchmarkWriteEvents(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, b.TempDir()+"/s.duckdb", Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const n = 100000
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	batch := &antipersona.Batch{Kind: antipersona.KindEvents, Events: make([]antipersona.Event, n)}
	next := 0
	b.ReportAllocs()
	for b.Loop() {
		for i := range batch.Events {
			next++
			batch.Events[i] = antipersona.Event{
				MessageID: "m-" + strconv.Itoa(next), ContactID: "C" + strconv.Itoa(next%50000),
				Type: antipersona.EventTrack, Name: "Product Viewed", Time: t0.Add(time.Duration(next) * time.Second),
				SessionID: "s" + strconv.Itoa(next/20), Duration: math.NaN(), Rating: math.NaN(),
				Properties: `{"product_id":"p1","price":12.5}`,
			}
		}
		if _, err := s.WriteBatch(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkWriteBatchEvents measures storing batches of 1,000 new events
// (the size the server's ingest commits), each batch one transaction: the
// same work as postgres.BenchmarkWriteBatchEvents, its peer.
func BenchmarkWriteBatchEvents(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "bench.duckdb"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const n = 1000
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	batch := &antipersona.Batch{Kind: antipersona.KindEvents, Events: make([]antipersona.Event, n)}
	next := 0
	b.ReportAllocs()
	for b.Loop() {
		for i := range batch.Events {
			next++
			batch.Events[i] = antipersona.Event{
				MessageID: "m-" + strconv.Itoa(next), ContactID: "C" + strconv.Itoa(next%50000),
				Type: antipersona.EventTrack, Name: "Product Viewed", Time: t0.Add(time.Duration(next) * time.Second),
				SessionID: "s" + strconv.Itoa(next/20), Duration: math.NaN(), Rating: math.NaN(),
				Properties: `{"product_id":"p1","price":12.5}`,
			}
		}
		r, err := s.WriteBatch(ctx, batch)
		if err != nil {
			b.Fatal(err)
		}
		if r.Inserted != n {
			b.Fatalf("inserted %d of %d new events", r.Inserted, n)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
