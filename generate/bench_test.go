package generate

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkShop generates 2,000 contacts (about 100,000 events) per
// iteration and reports contacts and megabytes written per second.
func BenchmarkShop(b *testing.B) {
	const contacts = 2000
	dir := b.TempDir()
	b.ReportAllocs()
	runs := 0
	for b.Loop() {
		if _, err := Shop(context.Background(), Options{Contacts: contacts, Seed: 1, Out: dir}); err != nil {
			b.Fatal(err)
		}
		runs++
	}
	var size int64
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range entries {
		info, err := os.Stat(filepath.Join(dir, e.Name()))
		if err != nil {
			b.Fatal(err)
		}
		size += info.Size()
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(contacts*runs)/sec, "contacts/s")
	b.ReportMetric(float64(size)*float64(runs)/1e6/sec, "MB/s")
}

// BenchmarkContact generates one contact into memory (no I/O).
func BenchmarkContact(b *testing.B) {
	w := newWorker(1)
	w.ch = &chunk{}
	b.ReportAllocs()
	i := int64(1)
	for b.Loop() {
		if i%chunkSize == 0 {
			w.ch.reset()
		}
		w.contact(i)
		i++
	}
}
