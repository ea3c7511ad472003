package postgres_test

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/duckdb"
	"github.com/antipersona/antipersona/features"
	"github.com/antipersona/antipersona/features/featuretest"
	"github.com/antipersona/antipersona/internal/pgtest"
	"github.com/antipersona/antipersona/postgres"
)

// The feature SQL is DuckDB's; on PostgreSQL it runs through compat.sql and
// the rewrites of dialect.go. These tests write the same data into both
// stores, build with the same SQL text and compare the results cell by
// cell: the DuckDB store is the reference.

// The data is the hand fixture (package featuretest, whose comments say
// what each row tests), plus later versions of some contacts
// (versionBatches below) that bring traits of the other types.

var (
	fixtureTraits  = featuretest.Traits
	fixtureBatches = featuretest.Batches
	at             = featuretest.At
	nan            = math.NaN()
)

// versionBatches are later versions of contacts, with traits of every
// type: one valid from April (before the as-of date, so it counts), one
// from August (after it: ignored), and a version-less row for a contact
// first known from this file.
func versionBatches() []*antipersona.Batch {
	traits := []antipersona.Trait{
		{Name: "Plan", Ident: "plan", Type: antipersona.TraitCategory, Dimension: antipersona.DimensionBehavioural},
		{Name: "Interests", Ident: "interests", Type: antipersona.TraitMulti, Dimension: antipersona.DimensionPsychographic},
		{Name: "Signed up", Ident: "signed_up", Type: antipersona.TraitDate, Dimension: antipersona.DimensionBehavioural},
		{Name: "VIP", Ident: "vip", Type: antipersona.TraitBoolean, Dimension: antipersona.DimensionSocioEconomic},
	}
	missing := antipersona.Value{Missing: true}
	yes := true
	return []*antipersona.Batch{
		{Kind: antipersona.KindContacts, Traits: traits, ValidFrom: at("2024-04-01 00:00:00"), Contacts: []antipersona.Contact{
			{ID: "c_buyer", Values: []antipersona.Value{{Str: "business"}, {List: []string{"yoga", "music"}}, {Time: at("2023-11-30 12:00:00")}, {Bool: true}}},
			{ID: "f_engaged", Outcome: &yes, Values: []antipersona.Value{missing, {List: []string{}}, missing, {Bool: false}}},
		}},
		{Kind: antipersona.KindContacts, Traits: traits, ValidFrom: at("2024-08-01 00:00:00"), Contacts: []antipersona.Contact{
			{ID: "c_buyer", Values: []antipersona.Value{{Str: "free"}, {List: []string{"chess"}}, missing, {Bool: false}}},
		}},
		{Kind: antipersona.KindContacts, Traits: traits, Contacts: []antipersona.Contact{
			{ID: "n_new", CreatedAt: at("2024-05-05 05:05:05"), Values: []antipersona.Value{{Str: "pro"}, {List: []string{"z", "a"}}, {Time: at("2024-05-05 00:00:00")}, missing}},
		}},
	}
}

// stores opens a DuckDB store and a PostgreSQL store with the fixture
// written into both, and a CLV prediction for c_buyer in both.
func stores(t *testing.T) (*duckdb.Store, *postgres.Store) {
	t.Helper()
	ctx := context.Background()
	d, err := duckdb.Open(ctx, filepath.Join(t.TempDir(), "s.duckdb"), duckdb.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	p, err := postgres.Open(ctx, pgtest.DSN(t), pgtest.NewWorkspace(t), postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	for _, b := range append(fixtureBatches(), versionBatches()...) {
		rd, err := d.WriteBatch(ctx, b)
		if err != nil {
			t.Fatalf("duckdb: write %s: %v", b.Kind, err)
		}
		rp, err := p.WriteBatch(ctx, b)
		if err != nil {
			t.Fatalf("postgres: write %s: %v", b.Kind, err)
		}
		if rd != rp {
			t.Errorf("write %s: postgres %+v, duckdb %+v", b.Kind, rp, rd)
		}
	}
	const clv = "INSERT INTO clv_predictions VALUES ('c_buyer', 1.5, 0.8, 100)"
	if _, err := d.DB().ExecContext(ctx, clv); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Pool().Exec(ctx, clv); err != nil {
		t.Fatal(err)
	}
	return d, p
}

func params(t *testing.T, p *postgres.Store, asOf time.Time) features.Params {
	t.Helper()
	traits, err := p.Traits(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return features.Params{
		AsOf: asOf, DefaultMarginRate: 0.3, CostPerTicket: 5, CostPerReturn: 2, SessionGapMinutes: 30,
		Weights: map[string]float64{"sessions": 1, "page_views": 0.2, "product_views": 0.5, "cart_adds": 2,
			"wishlist_adds": 1, "checkouts_started": 3, "email_opens": 0.5, "email_clicks": 1,
			"webinars_registered": 2, "webinars_attended": 4, "trials_started": 5},
		Traits: traits,
	}
}

// TestFeaturesMatchDuckDB builds the features of the fixture as of several
// dates on both engines and compares the tables: the same columns in the
// same order, the same contacts, and in every cell the same Go type and
// value (floats within 1e-9 relative).
func TestFeaturesMatchDuckDB(t *testing.T) {
	ctx := context.Background()
	d, p := stores(t)
	for _, asOf := range []string{"2024-06-30", "2024-03-31", "2024-12-31"} {
		t.Run(asOf, func(t *testing.T) {
			day, _ := time.Parse(time.DateOnly, asOf)
			prm := params(t, p, day)
			q := features.SQL(prm)
			if _, err := d.Build(ctx, q, day, "x"); err != nil {
				t.Fatal(err)
			}
			b, err := p.Build(ctx, q, day, "x")
			if err != nil {
				t.Fatal(err)
			}
			wantCols, err := d.FeatureColumns(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := scanAll(t, func(fn func([]any) error) error {
				return d.Scan(ctx, "SELECT * FROM features ORDER BY contact_id", fn)
			})
			gotCols, got := pgRows(t, p, "SELECT * FROM features ORDER BY contact_id")
			if !slices.Equal(gotCols, wantCols) {
				t.Fatalf("columns:\n got %v\nwant %v", gotCols, wantCols)
			}
			if b.Contacts != int64(len(want)) {
				t.Errorf("build counts %d contacts, want %d", b.Contacts, len(want))
			}
			compareRows(t, wantCols, got, want)
		})
	}
}

// TestPurchaseHistoryMatchesDuckDB compares the CLV models' input query.
func TestPurchaseHistoryMatchesDuckDB(t *testing.T) {
	ctx := context.Background()
	d, p := stores(t)
	q := features.PurchaseHistorySQL(params(t, p, time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)))
	want := scanAll(t, func(fn func([]any) error) error { return d.Scan(ctx, q, fn) })
	got := scanAll(t, func(fn func([]any) error) error { return p.Scan(ctx, q, fn) })
	if len(want) == 0 {
		t.Fatal("no purchase history in the fixture")
	}
	cols := []string{"contact_id", "x", "t_x", "t", "first_value", "repeat_value"}
	compareRows(t, cols, got, want)
}

func scanAll(t *testing.T, scan func(fn func([]any) error) error) [][]any {
	t.Helper()
	var out [][]any
	if err := scan(func(v []any) error {
		out = append(out, slices.Clone(v))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// pgRows runs a plain PostgreSQL query and returns its columns and rows.
func pgRows(t *testing.T, p *postgres.Store, q string) ([]string, [][]any) {
	t.Helper()
	rows, err := p.Pool().Query(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var cols []string
	for _, f := range rows.FieldDescriptions() {
		cols = append(cols, f.Name)
	}
	var out [][]any
	for rows.Next() {
		v, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return cols, out
}

// compareRows compares rows cell by cell; the first column is the key.
func compareRows(t *testing.T, cols []string, got, want [][]any) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d rows, want %d", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		id := want[i][0]
		if got[i][0] != id {
			t.Errorf("row %d is %v, want %v", i, got[i][0], id)
			continue
		}
		for j, c := range cols {
			if msg := differ(got[i][j], want[i][j]); msg != "" {
				t.Errorf("%v.%s: %s", id, c, msg)
			}
		}
	}
}

// differ describes how g (PostgreSQL) differs from w (DuckDB), "" when it
// does not.
func differ(g, w any) string {
	if fmt.Sprintf("%T", g) != fmt.Sprintf("%T", w) {
		return fmt.Sprintf("got %T %v, want %T %v", g, g, w, w)
	}
	switch w := w.(type) {
	case float64:
		g := g.(float64)
		if g == w || math.Abs(g-w) <= 1e-9*math.Max(math.Abs(g), math.Abs(w)) {
			return ""
		}
	case time.Time:
		if g.(time.Time).Equal(w) {
			return ""
		}
	case []any:
		if fmt.Sprint(g) == fmt.Sprint(w) {
			return ""
		}
	default:
		if g == any(w) {
			return ""
		}
	}
	return fmt.Sprintf("got %v, want %v", g, w)
}
