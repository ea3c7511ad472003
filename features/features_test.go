package features_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/duckdb"
	"github.com/antipersona/antipersona/features"
)

func defaultParams(asOf time.Time) features.Params {
	return features.Params{
		AsOf: asOf, DefaultMarginRate: 0.3, CostPerTicket: 5, SessionGapMinutes: 30,
		Weights: map[string]float64{"sessions": 1, "page_views": 0.2, "product_views": 0.5, "cart_adds": 2,
			"wishlist_adds": 1, "checkouts_started": 3, "email_opens": 0.5, "email_clicks": 1,
			"webinars_registered": 2, "webinars_attended": 4, "trials_started": 5},
	}
}

// TestColumnsMatchList checks that the SQL yields exactly the documented
// columns, in order, followed by the non-PII traits.
func TestColumnsMatchList(t *testing.T) {
	ctx := context.Background()
	s, err := duckdb.Open(ctx, filepath.Join(t.TempDir(), "s.duckdb"), duckdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	traits := []antipersona.Trait{
		{Name: "Age", Ident: "age", Type: antipersona.TraitNumber},
		{Name: "Name", Ident: "name", Type: antipersona.TraitIdentifier, PII: true},
	}
	b := &antipersona.Batch{Kind: antipersona.KindContacts, Traits: traits, Contacts: []antipersona.Contact{
		{ID: "x", Values: []antipersona.Value{{Num: 3}, {Str: "Jan"}}},
	}}
	if _, err := s.WriteBatch(ctx, b); err != nil {
		t.Fatal(err)
	}
	p := defaultParams(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	p.Traits = traits
	if _, err := s.Build(ctx, features.SQL(p), p.AsOf, "h"); err != nil {
		t.Fatal(err)
	}
	got, err := s.FeatureColumns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := append(features.Names(), "age")
	if !slices.Equal(got, want) {
		t.Errorf("columns:\n got %v\nwant %v", got, want)
	}
}
