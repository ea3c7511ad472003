package ingest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/antipersona/antipersona"
)

// countingSink accepts every batch and only counts records.
type countingSink struct{ n int64 }

func (s *countingSink) WriteBatch(_ context.Context, b *antipersona.Batch) (antipersona.WriteResult, error) {
	s.n += int64(b.Len())
	return antipersona.WriteResult{Inserted: int64(b.Len())}, nil
}

// benchFile runs File on path b.N times and reports rows per second.
func benchFile(b *testing.B, path string, kind antipersona.Kind, rows int) {
	b.ReportAllocs()
	dir := b.TempDir()
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(info.Size())
	n := 0
	for b.Loop() {
		rej := NewRejectWriter(dir, kind, time.Now())
		res, err := File(context.Background(), path, Options{Kind: kind}, &countingSink{}, rej)
		rej.Close()
		if err != nil || res.Loaded != int64(rows) {
			b.Fatalf("Loaded %d, err %v", res.Loaded, err)
		}
		n++
	}
	b.ReportMetric(float64(rows*n)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkContactsCSV(b *testing.B) {
	const rows = 50000
	var sb strings.Builder
	sb.WriteString("contact_id,email,Age,Gender,City,Income,Interests,Newsletter,Signed Up,Lead Source,Notes\n")
	cities := []string{"Kraków", "Warszawa", "Hà Nội", "Tbilisi", "Gdańsk"}
	for k := range rows {
		fmt.Fprintf(&sb, "c%d,user%d@example.com,%d,%s,%s,%d.%02d,yoga|running,%s,2024-%02d-%02d,%s,\"Called twice, \"\"busy\"\"\"\n",
			k, k, 18+k%60, []string{"F", "M"}[k%2], cities[k%5], 20000+k%70000, k%100, []string{"yes", "no"}[k%3%2],
			1+k%12, 1+k%28, []string{"google", "facebook", "newsletter"}[k%3])
	}
	path := filepath.Join(b.TempDir(), "contacts.csv")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	benchFile(b, path, antipersona.KindContacts, rows)
}

func BenchmarkEventsJSONL(b *testing.B) {
	const rows = 50000
	var sb strings.Builder
	names := []string{"Page Viewed", "Product Viewed", "Signed Up", "Email Opened"}
	for k := range rows {
		fmt.Fprintf(&sb, `{"type":"track","userId":"u%d","anonymousId":"a%d","event":"%s","messageId":"m%d","timestamp":"2024-03-%02dT10:%02d:%02d.123Z","properties":{"path":"/p/%d","duration":%d,"referrer":"https://example.com/?q=%d"},"context":{"ip":"10.0.0.1","userAgent":"Mozilla/5.0"}}`+"\n",
			k%5000, k%7000, names[k%4], k, 1+k%28, k%60, k%60, k%300, k%600, k)
	}
	path := filepath.Join(b.TempDir(), "events.jsonl")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	benchFile(b, path, antipersona.KindEvents, rows)
}
