// Package storetest is the contract suite that every antipersona store
// passes: the embedded DuckDB store and the PostgreSQL store run the same
// tests against their real engines.
//
// A store's test calls Run with a function that opens a fresh, empty store
// (in a temporary folder, or in a new schema of a throwaway PostgreSQL
// cluster), and RunKeys with one that opens a fresh key store.
package storetest

import (
	"context"
	"math"
	"sort"
	"testing"
	"time"

	"github.com/antipersona/antipersona"
)

// Store is what the suite needs of a store.
type Store interface {
	antipersona.IngestStore
	antipersona.PrivacyStore
	antipersona.AuditLog
	// Status counts the rows of each kind.
	Status(ctx context.Context) (antipersona.Status, error)
}

// day is a fixed time of the fixtures.
func day(d int) time.Time { return time.Date(2025, 3, d, 10, 0, 0, 0, time.UTC) }

var traits = []antipersona.Trait{
	{Name: "city", Ident: "city", Type: antipersona.TraitCategory, Dimension: antipersona.DimensionGeographic},
	{Name: "age", Ident: "age", Type: antipersona.TraitNumber, Dimension: antipersona.DimensionDemographic},
}

func contacts(ids ...string) *antipersona.Batch {
	b := &antipersona.Batch{Kind: antipersona.KindContacts, Traits: traits}
	for i, id := range ids {
		b.Contacts = append(b.Contacts, antipersona.Contact{
			ID: id, Email: id + "@example.com", CreatedAt: day(1),
			Values: []antipersona.Value{{Str: "Kraków"}, {Num: float64(30 + i)}},
		})
	}
	return b
}

// fixture writes two contacts, C1 and C2, with rows of every kind, plus an
// anonymous visitor linked to C1 by an identity.
func fixture(t *testing.T, ctx context.Context, s Store) {
	t.Helper()
	nan := math.NaN()
	batches := []*antipersona.Batch{
		contacts("C1", "C2"),
		{Kind: antipersona.KindEvents,
			Identities: []antipersona.Identity{{AnonymousID: "anon-1", ContactID: "C1", Time: day(3)}},
			Events: []antipersona.Event{
				{MessageID: "m1", ContactID: "C1", Type: antipersona.EventTrack, Name: "Product Viewed", Time: day(2), Duration: nan, Rating: nan, Properties: "{}"},
				{MessageID: "m2", AnonymousID: "anon-1", Type: antipersona.EventPage, Name: "Home", Time: day(2), Duration: 12, Rating: nan, Properties: "{}"},
				{MessageID: "m3", ContactID: "C2", Type: antipersona.EventTrack, Name: "Product Viewed", Time: day(4), Duration: nan, Rating: nan, Properties: "{}"},
				{MessageID: "m4", AnonymousID: "anon-2", Type: antipersona.EventPage, Name: "Home", Time: day(4), Duration: nan, Rating: nan, Properties: "{}"},
			}},
		{Kind: antipersona.KindOrders, Orders: []antipersona.Order{
			{OrderID: "o1", ContactID: "C1", Time: day(5), Revenue: 100, Margin: nan, CostOfGoods: nan, Status: antipersona.OrderCompleted, Source: "orders"},
			{OrderID: "o2", ContactID: "C2", Time: day(5), Revenue: 50, Margin: 20, CostOfGoods: nan, Status: antipersona.OrderCompleted, Source: "orders"},
		}},
		{Kind: antipersona.KindReturns, Returns: []antipersona.Return{
			{ReturnID: "r1", OrderID: "o1", ContactID: "C1", Time: day(6), Amount: 40, Kind: antipersona.ReturnReturn, Source: "orders"},
		}},
		{Kind: antipersona.KindCosts, Costs: []antipersona.Cost{
			{RowKey: "k1", ContactID: "C1", Time: day(1), Amount: 3, Kind: antipersona.CostAcquisition},
			{RowKey: "k2", Campaign: "spring", Time: day(1), Amount: 500, Kind: antipersona.CostContact},
		}},
		{Kind: antipersona.KindTouches, Touches: []antipersona.Touch{
			{RowKey: "t1", ContactID: "C1", Campaign: "spring", Time: day(2)},
			{RowKey: "t2", ContactID: "C2", Campaign: "spring", Time: day(2)},
		}},
		{Kind: antipersona.KindSurveyAnswers, SurveyAnswers: []antipersona.SurveyAnswer{
			{RowKey: "s1", ContactID: "C1", QuestionID: "q1", Question: "Why?", Answer: "price", Time: day(7)},
		}},
	}
	for _, b := range batches {
		if _, err := s.WriteBatch(ctx, b); err != nil {
			t.Fatalf("write %s: %v", b.Kind, err)
		}
	}
}

func counts(t *testing.T, ctx context.Context, s Store) map[antipersona.Kind]int64 {
	t.Helper()
	st, err := s.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return st.Counts
}

func sameCounts(t *testing.T, what string, got, want map[antipersona.Kind]int64) {
	t.Helper()
	for _, k := range antipersona.Kinds {
		if got[k] != want[k] {
			t.Errorf("%s: %s = %d, want %d", what, k, got[k], want[k])
		}
	}
}

// Run runs the store contract on stores opened by open, each fresh.
func Run(t *testing.T, open func(t *testing.T) Store) {
	t.Run("WriteBatchDeduplicates", func(t *testing.T) {
		ctx := context.Background()
		s := open(t)
		fixture(t, ctx, s)
		want := map[antipersona.Kind]int64{
			antipersona.KindContacts: 2, antipersona.KindEvents: 4, antipersona.KindOrders: 2,
			antipersona.KindReturns: 1, antipersona.KindCosts: 2, antipersona.KindTouches: 2,
			antipersona.KindSurveyAnswers: 1,
		}
		sameCounts(t, "after the fixture", counts(t, ctx, s), want)
		// The same events again, and one new: the repeated message ids are
		// duplicates, whatever else changed.
		nan := math.NaN()
		res, err := s.WriteBatch(ctx, &antipersona.Batch{Kind: antipersona.KindEvents, Events: []antipersona.Event{
			{MessageID: "m1", ContactID: "C1", Type: antipersona.EventTrack, Name: "Changed", Time: day(9), Duration: nan, Rating: nan, Properties: "{}"},
			{MessageID: "m5", ContactID: "C2", Type: antipersona.EventTrack, Name: "Signed Up", Time: day(9), Duration: nan, Rating: nan, Properties: "{}"},
			{MessageID: "m5", ContactID: "C2", Type: antipersona.EventTrack, Name: "Signed Up", Time: day(9), Duration: nan, Rating: nan, Properties: "{}"},
		}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Inserted != 1 || res.Duplicates != 2 {
			t.Errorf("events again: %+v, want 1 inserted and 2 duplicates", res)
		}
		want[antipersona.KindEvents] = 5
		sameCounts(t, "after the repeat", counts(t, ctx, s), want)
		res, err = s.WriteBatch(ctx, &antipersona.Batch{Kind: antipersona.KindOrders, Orders: []antipersona.Order{
			{OrderID: "o1", ContactID: "C1", Time: day(5), Revenue: 100, Margin: nan, CostOfGoods: nan, Status: antipersona.OrderCompleted, Source: "orders"},
		}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Inserted != 0 || res.Duplicates != 1 {
			t.Errorf("order again: %+v, want 1 duplicate", res)
		}
	})

	t.Run("ForgetDeletesEverywhereAndRefusesLaterWrites", func(t *testing.T) {
		ctx := context.Background()
		s := open(t)
		fixture(t, ctx, s)
		data, err := s.ContactData(ctx, "C1")
		if err != nil {
			t.Fatal(err)
		}
		// Every kind of row written for C1 is in the export, the anonymous
		// page view linked by the identity too.
		for _, table := range []string{"contacts", "identities", "events", "orders", "returns", "costs", "touches", "survey_answers"} {
			if len(data[table]) == 0 {
				t.Errorf("export of C1 has no %s rows: %v", table, keys(data))
			}
		}
		if n := len(data["events"]); n != 2 {
			t.Errorf("export of C1 has %d events, want 2 (its own and the linked anonymous one)", n)
		}
		for _, row := range data["contacts"] {
			if row["email"] != "C1@example.com" {
				t.Errorf("export of C1 contact row: email %v, want C1@example.com", row["email"])
			}
		}
		before := counts(t, ctx, s)
		res, err := s.ForgetContact(ctx, "C1", day(20))
		if err != nil {
			t.Fatal(err)
		}
		wantDeleted := map[string]int64{"contacts": 1, "identities": 1, "events": 2, "orders": 1, "returns": 1,
			"costs": 1, "touches": 1, "survey_answers": 1}
		for table, n := range wantDeleted {
			if res.Deleted[table] != n {
				t.Errorf("forget deleted %d %s rows, want %d (all: %v)", res.Deleted[table], table, n, res.Deleted)
			}
		}
		after := counts(t, ctx, s)
		want := map[antipersona.Kind]int64{}
		for k, n := range before {
			want[k] = n
		}
		want[antipersona.KindContacts]--
		want[antipersona.KindEvents] -= 2
		want[antipersona.KindOrders]--
		want[antipersona.KindReturns]--
		want[antipersona.KindCosts]--
		want[antipersona.KindTouches]--
		want[antipersona.KindSurveyAnswers]--
		sameCounts(t, "after forgetting C1", after, want)
		data, err = s.ContactData(ctx, "C1")
		if err != nil {
			t.Fatal(err)
		}
		if len(data) != 0 {
			t.Errorf("C1 still held after forgetting: %v", keys(data))
		}
		if data, _ := s.ContactData(ctx, "C2"); len(data["contacts"]) != 1 || len(data["orders"]) != 1 {
			t.Errorf("C2 touched by forgetting C1: %v", keys(data))
		}
		ok, since, err := s.Forgotten(ctx, "C1")
		if err != nil || !ok || !since.Equal(day(20)) {
			t.Errorf("Forgotten(C1) = %v, %v, %v; want true since %v", ok, since, err, day(20))
		}
		if ok, _, _ := s.Forgotten(ctx, "C2"); ok {
			t.Error("Forgotten(C2) = true")
		}

		// Later writes of C1 are refused, of every kind; C3 goes in.
		nan := math.NaN()
		refusedWrites := []*antipersona.Batch{
			contacts("C1", "C3"),
			{Kind: antipersona.KindEvents,
				Identities: []antipersona.Identity{{AnonymousID: "anon-9", ContactID: "C1", Time: day(21)}},
				Events: []antipersona.Event{
					{MessageID: "m9", ContactID: "C1", Type: antipersona.EventTrack, Name: "Product Viewed", Time: day(21), Duration: nan, Rating: nan, Properties: "{}"},
				}},
			{Kind: antipersona.KindOrders, Orders: []antipersona.Order{
				{OrderID: "o9", ContactID: "C1", Time: day(21), Revenue: 10, Margin: nan, CostOfGoods: nan, Status: antipersona.OrderCompleted, Source: "orders"},
			}},
			{Kind: antipersona.KindSurveyAnswers, SurveyAnswers: []antipersona.SurveyAnswer{
				{RowKey: "s9", ContactID: "C1", QuestionID: "q1", Answer: "again", Time: day(21)},
			}},
		}
		var refused int64
		for _, b := range refusedWrites {
			r, err := s.WriteBatch(ctx, b)
			if err != nil {
				t.Fatalf("write %s: %v", b.Kind, err)
			}
			refused += r.Refused
		}
		if refused != 4 {
			t.Errorf("refused %d rows of C1, want 4 (contact, event, order, survey answer)", refused)
		}
		if data, _ := s.ContactData(ctx, "C1"); len(data) != 0 {
			t.Errorf("C1 stored again after forgetting: %v", keys(data))
		}
		if data, _ := s.ContactData(ctx, "C3"); len(data["contacts"]) != 1 {
			t.Errorf("C3 not stored beside the refused C1: %v", keys(data))
		}

		// After re-consent C1 may be written again.
		if err := s.Reconsent(ctx, "C1"); err != nil {
			t.Fatal(err)
		}
		if err := s.Reconsent(ctx, "C1"); antipersona.ErrorCode(err) != antipersona.ENOTFOUND {
			t.Errorf("second Reconsent: %v, want a not_found error", err)
		}
		r, err := s.WriteBatch(ctx, contacts("C1"))
		if err != nil || r.Refused != 0 || r.Inserted+r.Updated != 1 {
			t.Errorf("write after re-consent: %+v, %v", r, err)
		}
	})

	t.Run("ForgetUnknownRecordsTheID", func(t *testing.T) {
		ctx := context.Background()
		s := open(t)
		res, err := s.ForgetContact(ctx, "nobody", day(1))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Deleted) != 0 {
			t.Errorf("deleted %v for an unknown id", res.Deleted)
		}
		r, err := s.WriteBatch(ctx, contacts("nobody"))
		if err != nil || r.Refused != 1 {
			t.Errorf("write of a forgotten unknown id: %+v, %v; want 1 refused", r, err)
		}
	})

	t.Run("AuditLogNewestFirst", func(t *testing.T) {
		ctx := context.Background()
		s := open(t)
		for i, a := range []string{"build.start", "audience.export", "contact.delete"} {
			e := antipersona.AuditEntry{Time: day(i + 1), Workspace: "shop", KeyID: "k1", Role: antipersona.RoleAdmin,
				Action: a, Target: "C1", Status: 200}
			if err := s.AppendAudit(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.AuditEntries(ctx, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Action != "contact.delete" || got[1].Action != "audience.export" {
			t.Fatalf("AuditEntries(2) = %+v", got)
		}
		if !got[0].Time.Equal(day(3)) || got[0].KeyID != "k1" || got[0].Role != antipersona.RoleAdmin || got[0].Status != 200 || got[0].Target != "C1" {
			t.Errorf("entry read back as %+v", got[0])
		}
		all, err := s.AuditEntries(ctx, 0)
		if err != nil || len(all) != 3 {
			t.Errorf("AuditEntries(0) = %d entries, %v", len(all), err)
		}
	})
}

func keys(m map[string][]map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// RunKeys runs the key store contract on key stores opened by open, each
// fresh.
func RunKeys(t *testing.T, open func(t *testing.T) antipersona.KeyStore) {
	ctx := context.Background()
	s := open(t)
	k1 := antipersona.APIKey{ID: "abc12345", Workspace: "shop", Name: "site", Role: antipersona.RoleIngest, Hash: "h1", CreatedAt: day(1)}
	k2 := antipersona.APIKey{ID: "def67890", Workspace: "other", Role: antipersona.RoleAdmin, Hash: "h2", CreatedAt: day(2)}
	for _, k := range []antipersona.APIKey{k1, k2} {
		if err := s.CreateKey(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	dup := k1
	dup.Hash = "h3"
	if err := s.CreateKey(ctx, dup); antipersona.ErrorCode(err) != antipersona.ECONFLICT {
		t.Errorf("CreateKey with an existing id: %v, want a conflict", err)
	}
	got, err := s.KeyByHash(ctx, "h1")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != k1.ID || got.Workspace != "shop" || got.Role != antipersona.RoleIngest || got.Name != "site" ||
		!got.CreatedAt.Equal(k1.CreatedAt) || got.RevokedAt != nil {
		t.Errorf("KeyByHash(h1) = %+v", got)
	}
	if _, err := s.KeyByHash(ctx, "nope"); antipersona.ErrorCode(err) != antipersona.ENOTFOUND {
		t.Errorf("KeyByHash(unknown): %v, want not_found", err)
	}
	if err := s.RevokeKey(ctx, k1.ID, day(5)); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeKey(ctx, k1.ID, day(6)); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeKey(ctx, "missing", day(6)); antipersona.ErrorCode(err) != antipersona.ENOTFOUND {
		t.Errorf("RevokeKey(unknown): %v, want not_found", err)
	}
	got, err = s.KeyByHash(ctx, "h1")
	if err != nil || got.RevokedAt == nil || !got.RevokedAt.Equal(day(5)) {
		t.Errorf("revoked key read back as %+v, %v; want revoked at %v", got, err, day(5))
	}
	shop, err := s.Keys(ctx, "shop")
	if err != nil || len(shop) != 1 || shop[0].ID != k1.ID {
		t.Errorf("Keys(shop) = %+v, %v", shop, err)
	}
	all, err := s.Keys(ctx, "")
	if err != nil || len(all) != 2 || all[0].ID != k1.ID || all[1].ID != k2.ID {
		t.Errorf("Keys() = %+v, %v", all, err)
	}
}
