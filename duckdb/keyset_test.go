package duckdb

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/antipersona/antipersona"
)

// TestKeyFingerprintMatchesDuckDB checks keyFingerprint against DuckDB's own
// md5_number (the independent source), for keys of every length class.
func TestKeyFingerprintMatchesDuckDB(t *testing.T) {
	s := openTemp(t)
	for _, key := range []string{"", "a", "abc", "1c104448051e875e", "refund/m-1", "zażółć gęślą jaźń", "ვიდეო", "Tiếng Việt",
		"a string of more than sixty-four bytes, so that MD5 needs a second block"} {
		var want uint64
		if err := s.DB().QueryRow("SELECT (md5_number(?) % 18446744073709551616)::UBIGINT", key).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if got := keyFingerprint(key); got != nonZero(want) {
			t.Errorf("%q: got %x want %x", key, got, want)
		}
	}
}

func TestKeySet(t *testing.T) {
	var k keySet
	if k.has(1) {
		t.Fatal("empty set has 1")
	}
	const n = 100_000
	for i := range uint64(n) {
		k.add(nonZero(i * 0x9E3779B97F4A7C15))
	}
	k.add(nonZero(0)) // again
	if k.n != n {
		t.Errorf("n = %d want %d", k.n, n)
	}
	if k.n*5 > len(k.slots)*4 {
		t.Errorf("load %d/%d over 0.8", k.n, len(k.slots))
	}
	for i := range uint64(n) {
		if !k.has(nonZero(i * 0x9E3779B97F4A7C15)) {
			t.Fatalf("lost %d", i)
		}
	}
	misses := 0
	for i := uint64(n); i < 2*n; i++ {
		if k.has(i * 0x9E3779B97F4A7C15) {
			misses++
		}
	}
	if misses != 0 {
		t.Errorf("%d absent fingerprints found", misses)
	}
}

// TestKeySetFalseMaybe plants the fingerprints of keys that are not stored
// (as a fingerprint collision would): those rows must take the exact path
// and still be inserted, and real duplicates must still be refused.
func TestKeySetFalseMaybe(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	ts := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	ev := func(ids ...string) *antipersona.Batch {
		b := &antipersona.Batch{Kind: antipersona.KindEvents}
		for _, id := range ids {
			b.Events = append(b.Events, antipersona.Event{MessageID: id, ContactID: "c", Type: antipersona.EventTrack,
				Name: "x", Time: ts, Duration: math.NaN(), Rating: math.NaN()})
		}
		return b
	}
	if r, err := s.WriteBatch(ctx, ev("m1", "m2")); err != nil || r != (antipersona.WriteResult{Inserted: 2}) {
		t.Fatalf("first: %+v %v", r, err)
	}
	ks := s.keys["events"]
	ks.add(keyFingerprint("m3"))
	ks.add(keyFingerprint("m4"))
	if r, err := s.WriteBatch(ctx, ev("m1", "m3", "m4", "m5")); err != nil || r != (antipersona.WriteResult{Inserted: 3, Duplicates: 1}) {
		t.Fatalf("with planted fingerprints: %+v %v", r, err)
	}
	var n int
	if err := s.DB().QueryRow("SELECT count(*) FROM events WHERE message_id IN ('m3', 'm4', 'm5')").Scan(&n); err != nil || n != 3 {
		t.Fatalf("stored %d of m3, m4, m5 (%v)", n, err)
	}
}

// TestKeySetOnlyOnEmptyTable checks that a store keeps a key set only for
// a table that was empty when it first wrote to it, and that a second
// process, without one, still sees the first one's rows as duplicates, for
// every keyed kind.
func TestKeySetOnlyOnEmptyTable(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "store.duckdb")
	ts := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	b := &antipersona.Batch{Kind: antipersona.KindEvents}
	for i := range 3000 {
		id := fmt.Sprint("m", i)
		b.Events = append(b.Events, antipersona.Event{MessageID: id, ContactID: "c", Type: antipersona.EventTrack, Name: "x",
			Time: ts, Duration: math.NaN(), Rating: math.NaN()})
		b.Touches = append(b.Touches, antipersona.Touch{RowKey: id, ContactID: "c", Time: ts})
	}
	first := true
	write := func() antipersona.WriteResult {
		s, err := Open(ctx, path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		r, err := s.WriteBatch(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.keys["events"] != nil; got != first {
			t.Errorf("key set kept: %v, want %v (only when the table starts empty)", got, first)
		}
		first = false
		return r
	}
	if r := write(); r != (antipersona.WriteResult{Inserted: 6000}) {
		t.Fatalf("first process: %+v", r)
	}
	if r := write(); r != (antipersona.WriteResult{Duplicates: 6000}) {
		t.Fatalf("second process: %+v", r)
	}
	b.Events = append(b.Events, antipersona.Event{MessageID: "new", Type: antipersona.EventTrack, AnonymousID: "a", Time: ts,
		Duration: math.NaN(), Rating: math.NaN()})
	if r := write(); r != (antipersona.WriteResult{Inserted: 1, Duplicates: 6000}) {
		t.Fatalf("third process: %+v", r)
	}
}
