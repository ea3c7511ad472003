package duckdb

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/features"
)

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "store.duckdb"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.duckdb")
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(context.Background(), path, Options{})
	if antipersona.ErrorCode(err) != antipersona.ECONFLICT || !strings.Contains(err.Error(), "in use by PID") {
		t.Fatalf("second open: got %v, want a conflict naming the PID", err)
	}
	s.Close()
	s2, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatalf("reopen after close: %v", err)
	}
	s2.Close()
}

func TestWriteIdempotent(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	ts := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	traits := []antipersona.Trait{
		{Name: "Age", Ident: "age", Type: antipersona.TraitNumber, Dimension: antipersona.DimensionDemographic},
		{Name: "Interests", Ident: "interests", Type: antipersona.TraitMulti, Dimension: antipersona.DimensionPsychographic},
	}
	yes := true
	b := &antipersona.Batch{Kind: antipersona.KindContacts, Traits: traits, Contacts: []antipersona.Contact{
		{ID: "a", Email: "a@example.com", Outcome: &yes, Values: []antipersona.Value{{Num: 30}, {List: []string{"yoga", "music"}}}, Line: 2},
		{ID: "b", Values: []antipersona.Value{{Missing: true}, {Missing: true}}, Line: 3},
		{ID: "a", Email: "a@example.com", Outcome: &yes, Values: []antipersona.Value{{Num: 31}, {List: []string{"yoga"}}}, Line: 4},
	}}
	r, err := s.WriteBatch(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	if want := (antipersona.WriteResult{Inserted: 2, Duplicates: 1}); r != want {
		t.Errorf("first write: got %+v want %+v", r, want)
	}
	r, err = s.WriteBatch(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	if want := (antipersona.WriteResult{Duplicates: 3}); r != want {
		t.Errorf("second write: got %+v want %+v", r, want)
	}
	b.Contacts = []antipersona.Contact{{ID: "b", Values: []antipersona.Value{{Num: 50}, {Missing: true}}, Line: 2}}
	if r, err = s.WriteBatch(ctx, b); err != nil || r.Updated != 1 {
		t.Errorf("update: got %+v, %v", r, err)
	}
	var age float64
	var email string
	if err := s.DB().QueryRow("SELECT age, email FROM contacts WHERE contact_id = 'a'").Scan(&age, &email); err != nil || age != 31 || email != "a@example.com" {
		t.Errorf("contact a: age %v email %q err %v (the last row of an id wins)", age, email, err)
	}

	ev := &antipersona.Batch{Kind: antipersona.KindEvents, Events: []antipersona.Event{
		{MessageID: "m1", ContactID: "a", Type: antipersona.EventTrack, Name: "Email Opened", Time: ts, Duration: math.NaN(), Rating: math.NaN()},
		{MessageID: "m2", AnonymousID: "anon", Type: antipersona.EventPage, Time: ts, Duration: 30, Rating: math.NaN()},
		{MessageID: "m1", ContactID: "a", Type: antipersona.EventTrack, Name: "Email Opened", Time: ts, Duration: math.NaN(), Rating: math.NaN()},
	}, Identities: []antipersona.Identity{{AnonymousID: "anon", ContactID: "a", Time: ts}}}
	if r, err = s.WriteBatch(ctx, ev); err != nil || r != (antipersona.WriteResult{Inserted: 2, Duplicates: 1}) {
		t.Errorf("events: got %+v, %v", r, err)
	}
	if r, err = s.WriteBatch(ctx, ev); err != nil || r != (antipersona.WriteResult{Duplicates: 3}) {
		t.Errorf("events again: got %+v, %v", r, err)
	}
	ob := &antipersona.Batch{Kind: antipersona.KindOrders, Orders: []antipersona.Order{
		{OrderID: "o1", ContactID: "a", Time: ts, Revenue: 100, Margin: math.NaN(), CostOfGoods: math.NaN()},
	}, Returns: []antipersona.Return{{ReturnID: "o1/refund", OrderID: "o1", ContactID: "a", Time: ts, Amount: 100, Kind: antipersona.ReturnRefund}}}
	for i, want := range []antipersona.WriteResult{{Inserted: 2}, {Duplicates: 2}} {
		if r, err = s.WriteBatch(ctx, ob); err != nil || r != want {
			t.Errorf("orders write %d: got %+v, %v want %+v", i, r, err, want)
		}
	}
	st, err := s.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[antipersona.Kind]int64{"contacts": 2, "events": 2, "orders": 1, "returns": 1, "costs": 0, "touches": 0, "survey_answers": 0}
	for k, n := range want {
		if st.Counts[k] != n {
			t.Errorf("status %s: got %d want %d", k, st.Counts[k], n)
		}
	}
	if st.Traits != 2 {
		t.Errorf("traits: got %d", st.Traits)
	}
	b.Traits = []antipersona.Trait{{Name: "Age", Ident: "age", Type: antipersona.TraitCategory}}
	b.Contacts = []antipersona.Contact{{ID: "c", Values: []antipersona.Value{{Str: "x"}}}}
	if _, err := s.WriteBatch(ctx, b); err == nil || !strings.Contains(err.Error(), "contacts.traits.age.type") {
		t.Errorf("type change: got %v", err)
	}
}

// TestContactVersions checks that a batch with ValidFrom adds a version
// that keeps NULL for what it lacks (read as "unchanged" when versions are
// merged), that writing it again changes nothing, and that the contact is
// still counted once.
func TestContactVersions(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	traits := []antipersona.Trait{
		{Name: "income", Ident: "income", Type: antipersona.TraitNumber},
		{Name: "city", Ident: "city", Type: antipersona.TraitCategory},
	}
	july := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	// The version arrives before the baseline: the order must not matter.
	v2 := &antipersona.Batch{Kind: antipersona.KindContacts, Traits: traits, ValidFrom: july, Contacts: []antipersona.Contact{
		{ID: "a", Values: []antipersona.Value{{Num: 9000}, {Missing: true}}},
	}}
	for i, want := range []antipersona.WriteResult{{Inserted: 1}, {Duplicates: 1}} {
		if r, err := s.WriteBatch(ctx, v2); err != nil || r != want {
			t.Errorf("version write %d: got %+v, %v; want %+v", i, r, err, want)
		}
	}
	base := &antipersona.Batch{Kind: antipersona.KindContacts, Traits: traits, Contacts: []antipersona.Contact{
		{ID: "a", Email: "a@example.com", Values: []antipersona.Value{{Num: 3000}, {Str: "Kraków"}}},
	}}
	if r, err := s.WriteBatch(ctx, base); err != nil || r != (antipersona.WriteResult{Inserted: 1}) {
		t.Errorf("baseline: got %+v, %v", r, err)
	}
	var income float64
	var city string
	if err := s.DB().QueryRow("SELECT income, city FROM ("+features.MergedContacts(traits, "")+") WHERE contact_id = 'a'").Scan(&income, &city); err != nil {
		t.Fatal(err)
	}
	if income != 9000 || city != "Kraków" {
		t.Errorf("merged: income %v city %q; want 9000 (the version) and Kraków (the baseline)", income, city)
	}
	var nulls int
	if err := s.DB().QueryRow("SELECT count(*) FROM contacts WHERE valid_from IS NOT NULL AND city IS NULL AND email IS NULL").Scan(&nulls); err != nil || nulls != 1 {
		t.Errorf("the version should keep NULL for what it lacks: %d, %v", nulls, err)
	}
	st, err := s.Status(ctx)
	if err != nil || st.Counts[antipersona.KindContacts] != 1 {
		t.Errorf("status contacts: %d, %v; want 1", st.Counts[antipersona.KindContacts], err)
	}
}
