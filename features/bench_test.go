package features_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/duckdb"
	"github.com/antipersona/antipersona/features"
	"github.com/antipersona/antipersona/generate"
	"github.com/antipersona/antipersona/ingest"
)

// BenchmarkBuild measures one build of the features of a generated shop of
// 2,000 contacts (about 100k events) in DuckDB. See BENCHMARKS.md for the
// runs at 100k and 1M contacts.
func BenchmarkBuild(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	if _, err := generate.Shop(ctx, generate.Options{Contacts: 2000, Seed: 1, Out: filepath.Join(dir, "data")}); err != nil {
		b.Fatal(err)
	}
	s, err := duckdb.Open(ctx, filepath.Join(dir, "s.duckdb"), duckdb.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	rej := ingest.NewRejectWriter(filepath.Join(dir, "rejects"), "bench", time.Now())
	defer rej.Close()
	for kind, file := range map[antipersona.Kind]string{
		antipersona.KindContacts: "contacts.csv", antipersona.KindEvents: "events.jsonl",
		antipersona.KindOrders: "orders.csv", antipersona.KindCosts: "costs.csv",
		antipersona.KindTouches: "touches.csv", antipersona.KindSurveyAnswers: "surveys.csv",
	} {
		if _, err := ingest.File(ctx, filepath.Join(dir, "data", file), ingest.Options{Kind: kind}, s, rej); err != nil {
			b.Fatal(err)
		}
	}
	traits, err := s.Traits(ctx)
	if err != nil {
		b.Fatal(err)
	}
	p := defaultParams(time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC))
	p.Traits = traits
	q := features.SQL(p)
	b.ReportAllocs()
	var contacts int64
	for b.Loop() {
		bd, err := s.Build(ctx, q, p.AsOf, "bench")
		if err != nil {
			b.Fatal(err)
		}
		contacts = bd.Contacts
	}
	b.ReportMetric(float64(contacts)*float64(b.N)/b.Elapsed().Seconds(), "contacts/s")
}
