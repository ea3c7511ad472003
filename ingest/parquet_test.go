package ingest

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

// parquetContact is the schema of the Parquet fixture written by
// writeParquetContacts: strings, an optional integer, a timestamp, a date, a
// list, a boolean and a double.
type parquetContact struct {
	ID     string    `parquet:"contact_id"`
	Age    *int64    `parquet:"age,optional"`
	Signup time.Time `parquet:"signup,timestamp(millisecond)"`
	Joined int32     `parquet:"joined,date"` // days since 1970-01-01
	Tags   []string  `parquet:"tags,list"`
	Active bool      `parquet:"active"`
	Score  float64   `parquet:"score"`
	City   string    `parquet:"city"`
}

// writeParquetContacts writes three contacts with parquet-go: p1 (every
// value set), a row without id, and p3 (age null).
func writeParquetContacts(t testing.TB) string {
	t.Helper()
	days := func(y int, m time.Month, d int) int32 {
		return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
	}
	age := int64(34)
	rows := []parquetContact{
		{ID: "p1", Age: &age, Signup: time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC), Joined: days(2023, 12, 31),
			Tags: []string{"a", "b"}, Active: true, Score: 1.25, City: "Kraków"},
		{ID: "", Age: &age, Signup: time.Date(2024, 5, 7, 0, 0, 0, 0, time.UTC), Joined: days(2024, 1, 1),
			Tags: []string{"c"}, Score: 2, City: "Hanoi"},
		{ID: "p3", Signup: time.Date(2024, 5, 8, 0, 0, 0, 0, time.UTC), Joined: days(2024, 1, 2),
			Score: 3.5, City: "Tbilisi"},
	}
	path := filepath.Join(t.TempDir(), "contacts.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := parquet.NewGenericWriter[parquetContact](f)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}
