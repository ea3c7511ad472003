package duckdb

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/antipersona/antipersona"
)

// TestScanSample: a query run by ScanSample sees the rows of the sampled
// contacts only (anonymous events through their identity), campaign spend
// whole, and the store is unchanged for other queries afterwards.
func TestScanSample(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	b := &antipersona.Batch{Kind: antipersona.KindEvents}
	for i := range 200 {
		id := fmt.Sprintf("C%03d", i)
		b.Events = append(b.Events, antipersona.Event{MessageID: id + "-a", ContactID: id, Type: antipersona.EventTrack, Name: "x", Time: day})
		// An anonymous event of the same contact, joined by its identity.
		b.Events = append(b.Events, antipersona.Event{MessageID: id + "-b", AnonymousID: "anon-" + id, Type: antipersona.EventTrack, Name: "x", Time: day})
		b.Identities = append(b.Identities, antipersona.Identity{AnonymousID: "anon-" + id, ContactID: id, Time: day})
	}
	if _, err := s.WriteBatch(ctx, b); err != nil {
		t.Fatal(err)
	}
	costs := &antipersona.Batch{Kind: antipersona.KindCosts, Costs: []antipersona.Cost{
		{RowKey: "k1", ContactID: "C001", Amount: 5, Kind: antipersona.CostAcquisition, Time: day},
		{RowKey: "k2", Campaign: "spring", Amount: 100, Kind: antipersona.CostContact, Time: day},
	}}
	if _, err := s.WriteBatch(ctx, costs); err != nil {
		t.Fatal(err)
	}
	var want int64
	if err := s.db.QueryRow("SELECT count(*) FROM events e LEFT JOIN identities i USING (anonymous_id) WHERE hash(COALESCE(e.contact_id, i.contact_id)) % 3 = 0").Scan(&want); err != nil {
		t.Fatal(err)
	}
	if want == 0 || want >= 400 || want%2 != 0 {
		t.Fatalf("expected sample %d: want a proper subset of whole contacts", want)
	}
	var got, spend int64
	err := s.ScanSample(ctx, 3, "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM costs WHERE contact_id IS NULL)", func(v []any) error {
		got, spend = v[0].(int64), v[1].(int64)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got != want || spend != 1 {
		t.Errorf("sampled events %d, want %d; campaign spend rows %d, want 1", got, want, spend)
	}
	var all int64
	if err := s.db.QueryRow("SELECT count(*) FROM events").Scan(&all); err != nil || all != 400 {
		t.Errorf("after the sample: %d events (%v), want 400", all, err)
	}
}
