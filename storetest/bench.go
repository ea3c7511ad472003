package storetest

import (
	"context"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/antipersona/antipersona"
)

// BenchWriteEvents measures s storing batches of n new events, each batch
// one WriteBatch: the same work on every store, so that their benchmarks
// are peers. It reports events/s.
func BenchWriteEvents(b *testing.B, s antipersona.IngestStore, n int) {
	ctx := context.Background()
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
		if r.Inserted != int64(n) {
			b.Fatalf("inserted %d of %d new events", r.Inserted, n)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
