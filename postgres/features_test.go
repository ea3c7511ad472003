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
	"github.com/antipersona/antipersona/internal/pgtest"
	"github.com/antipersona/antipersona/postgres"
)

// The feature SQL is DuckDB's; on PostgreSQL it runs through compat.sql and
// the rewrites of dialect.go. These tests write the same data into both
// stores, build with the same SQL text and compare the results cell by
// cell: the DuckDB store is the reference.

// The data is the hand fixture of package features (features/
// handfixture_test.go, whose comments say what each row tests), copied,
// plus later versions of some contacts (versions.go below) that bring
// traits of the other types.

var fixtureTraits = []antipersona.Trait{
	{Name: "Age", Ident: "age", Type: antipersona.TraitNumber, Dimension: antipersona.DimensionDemographic},
	{Name: "Plan", Ident: "plan", Type: antipersona.TraitCategory, Dimension: antipersona.DimensionBehavioural},
	// Personal data: never a feature column.
	{Name: "E-mail", Ident: "email_address", Type: antipersona.TraitIdentifier, Dimension: antipersona.DimensionOther, PII: true},
}

// at parses a UTC time written as "2006-01-02 15:04:05"; "" is the zero time.
func at(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.DateTime, s)
	if err != nil {
		panic(err)
	}
	return t
}

var nan = math.NaN()

func fixtureBatches() []*antipersona.Batch {
	yes, no := true, false
	traits := func(age float64, plan string) []antipersona.Value {
		v := []antipersona.Value{{Num: age}, {Str: plan}, {Str: "someone@example.com"}}
		if math.IsNaN(age) {
			v[0] = antipersona.Value{Missing: true}
		}
		return v
	}
	contacts := &antipersona.Batch{Kind: antipersona.KindContacts, Traits: fixtureTraits, Contacts: []antipersona.Contact{
		{ID: "a_traits", CreatedAt: at("2024-06-30 23:30:00"), Values: traits(34, "pro")},
		{ID: "b_traits", Outcome: &yes, Values: traits(nan, "free")},
		{ID: "c_buyer", CreatedAt: at("2023-12-01 00:00:00"), Values: traits(41, "pro")},
		{ID: "d_cancel", Outcome: &no, Values: traits(29, "free")},
		{ID: "f_engaged", CreatedAt: at("2024-03-01 08:00:00"), Values: traits(52, "trial")},
		{ID: "h_survey", CreatedAt: at("2024-02-15 09:00:00"), Values: traits(23, "free")},
		{ID: "y_late", CreatedAt: at("2024-07-10 00:00:00"), Values: traits(60, "pro")},
		{ID: "z_future", CreatedAt: at("2024-07-15 00:00:00"), Values: traits(18, "free")},
	}}

	ev := func(id, contact, anon string, typ antipersona.EventType, name, ts, session string, duration, rating float64) antipersona.Event {
		return antipersona.Event{MessageID: id, ContactID: contact, AnonymousID: anon, Type: typ, Name: name,
			Time: at(ts), SessionID: session, Duration: duration, Rating: rating, Properties: "{}"}
	}
	const (
		page     = antipersona.EventPage
		track    = antipersona.EventTrack
		identify = antipersona.EventIdentify
	)
	events := &antipersona.Batch{Kind: antipersona.KindEvents,
		Identities: []antipersona.Identity{{AnonymousID: "anon-e", ContactID: "e_anon", Time: at("2024-05-01 11:35:00")}},
		Events: []antipersona.Event{
			// c_buyer
			ev("c1", "c_buyer", "", page, "Home", "2024-01-03 18:00:00", "c1", 20, nan),
			ev("c2", "c_buyer", "", track, "Product Viewed", "2024-01-05 09:40:00", "c2", nan, nan),
			ev("c3", "c_buyer", "", track, "Checkout Started", "2024-01-05 09:55:00", "c2", nan, nan),
			ev("c4", "c_buyer", "", page, "Thanks", "2024-01-05 10:05:00", "c2", 5, nan),
			ev("c5", "c_buyer", "", track, "Email Opened", "2024-02-10 08:00:00", "", nan, nan),
			ev("c6", "c_buyer", "", track, "Email Link Clicked", "2024-02-10 08:02:00", "", nan, nan),
			ev("c7", "c_buyer", "", page, "Home", "2024-07-01 09:00:00", "", 100, nan), // after the as-of date

			// d_cancel: the e-commerce events that ingest keeps as events
			// beside the Returns they imply.
			ev("d1", "d_cancel", "", track, "Order Cancelled", "2024-03-02 12:00:00", "", nan, nan),
			ev("d2", "d_cancel", "", track, "Order Refunded", "2024-05-01 12:00:00", "", nan, nan),
			ev("d3", "d_cancel", "", track, "Order Cancelled", "2024-07-02 12:00:00", "", nan, nan), // after

			// e_anon: anonymous until the identify at 11:35.
			ev("e01", "", "anon-e", page, "Home", "2024-05-01 10:00:00", "s1", 30, nan),
			ev("e02", "", "anon-e", page, "Shoes", "2024-05-01 10:20:00", "s1", 45, nan),
			ev("e03", "", "anon-e", track, "Product Viewed", "2024-05-01 10:51:00", "s1", nan, nan), // 31 min gap
			ev("e04", "", "anon-e", track, "Product Added", "2024-05-01 10:55:00", "s2", nan, nan),  // session_id change
			ev("e05", "", "anon-e", page, "Cart", "2024-05-01 10:56:00", "s2", 12.5, nan),
			ev("e06", "", "anon-e", track, "Product Added to Wishlist", "2024-05-01 11:26:00", "s2", nan, nan), // exactly 30 min
			ev("e07", "", "anon-e", track, "Checkout Started", "2024-05-01 11:30:00", "s2", nan, nan),
			ev("e08", "e_anon", "anon-e", identify, "", "2024-05-01 11:35:00", "s2", nan, nan),
			ev("e09", "", "anon-e", track, "Order Completed", "2024-05-01 11:40:00", "s2", nan, nan),
			ev("e10", "e_anon", "", page, "Home", "2024-06-15 09:00:00", "", 60, nan),
			ev("e11", "e_anon", "", track, "Email Opened", "2024-06-30 23:59:59", "", nan, nan), // last second that counts
			ev("e12", "e_anon", "", page, "Home", "2024-07-01 00:00:00", "", 10, nan),           // first second that does not
			// An anonymous id nobody identified: belongs to no contact.
			ev("x01", "", "anon-x", page, "Home", "2024-05-02 10:00:00", "", 15, nan),

			// f_engaged
			ev("f01", "f_engaged", "", track, "Email Opened", "2024-03-05 09:00:00", "", nan, nan),
			ev("f02", "f_engaged", "", track, "Email Link Clicked", "2024-03-05 09:05:00", "", nan, nan),
			ev("f03", "f_engaged", "", track, "Signed Up", "2024-03-05 09:06:00", "", nan, nan),
			ev("f04", "f_engaged", "", track, "Webinar Registered", "2024-03-10 14:00:00", "", nan, nan),
			ev("f05", "f_engaged", "", track, "Webinar Attended", "2024-03-20 15:00:00", "", nan, nan),
			ev("f06", "f_engaged", "", track, "Trial Started", "2024-03-20 15:10:00", "", nan, nan),
			ev("f07", "f_engaged", "", track, "Ticket Created", "2024-04-02 11:00:00", "", nan, nan),
			ev("f08", "f_engaged", "", track, "Ticket Created", "2024-04-02 11:20:00", "", nan, nan),
			ev("f09", "f_engaged", "", track, "Review Submitted", "2024-04-20 16:00:00", "", nan, 4),
			ev("f10", "f_engaged", "", track, "Review Submitted", "2024-05-20 16:00:00", "", nan, 5),
			ev("f11", "f_engaged", "", track, "Review Submitted", "2024-05-21 16:00:00", "", nan, nan), // no rating
			ev("f12", "f_engaged", "", track, "Ticket Created", "2024-07-03 10:00:00", "", nan, nan),   // after

			// z_future: only after the as-of date.
			ev("z01", "z_future", "", page, "Home", "2024-07-16 10:00:00", "", 5, nan),
		}}

	order := func(id, contact, anon, ts string, revenue, margin, cogs, discount float64, status string) antipersona.Order {
		return antipersona.Order{OrderID: id, ContactID: contact, AnonymousID: anon, Time: at(ts), Revenue: revenue,
			Margin: margin, CostOfGoods: cogs, Discount: discount, Status: status}
	}
	const (
		done      = antipersona.OrderCompleted
		cancelled = antipersona.OrderCancelled
	)
	orders := &antipersona.Batch{Kind: antipersona.KindOrders, Orders: []antipersona.Order{
		order("o1", "c_buyer", "", "2024-01-05 10:00:00", 100, 40, 70, 0, done),  // margin given (and wins over cost)
		order("o2", "c_buyer", "", "2024-01-20 10:00:00", 50, nan, 30, 10, done), // cost only
		order("o3", "c_buyer", "", "2024-03-10 10:00:00", 80, nan, nan, 0, done), // neither
		order("o4", "c_buyer", "", "2024-06-20 10:00:00", 20, 5, nan, 5, done),
		order("o5", "c_buyer", "", "2024-07-01 10:00:00", 1000, nan, nan, 0, done), // after

		order("d1", "d_cancel", "", "2024-02-01 10:00:00", 60, 20, nan, 6, cancelled), // cancelled by status
		order("d2", "d_cancel", "", "2024-03-01 10:00:00", 40, nan, nan, 0, done),     // cancelled by event
		order("d3", "d_cancel", "", "2024-04-15 10:00:00", 90, nan, 50, 0, done),      // refunded in full
		order("d4", "d_cancel", "", "2024-05-10 10:00:00", 30, nan, nan, 0, done),     // cancelled only after the as-of date

		order("e1", "", "anon-e", "2024-05-01 11:40:00", 200, 80, nan, 50, done),
	}}

	ret := func(id, orderID, contact, anon, ts string, amount float64, kind string) antipersona.Return {
		return antipersona.Return{ReturnID: id, OrderID: orderID, ContactID: contact, AnonymousID: anon, Time: at(ts),
			Amount: amount, Kind: kind}
	}
	returns := &antipersona.Batch{Kind: antipersona.KindReturns, Returns: []antipersona.Return{
		ret("r-c1", "o1", "c_buyer", "", "2024-02-01 10:00:00", 30, antipersona.ReturnReturn),
		ret("r-c2", "o4", "c_buyer", "", "2024-07-03 10:00:00", 10, antipersona.ReturnReturn), // after
		ret("cancel/d2", "d2", "d_cancel", "", "2024-03-02 12:00:00", nan, antipersona.ReturnCancel),
		ret("refund/d3", "d3", "d_cancel", "", "2024-05-01 12:00:00", nan, antipersona.ReturnRefund),
		ret("cancel/d4", "d4", "d_cancel", "", "2024-07-02 12:00:00", nan, antipersona.ReturnCancel), // after
		ret("r-e1", "", "", "anon-e", "2024-05-20 10:00:00", 20, antipersona.ReturnReturn),           // order unknown
	}}

	cost := func(key, contact, campaign, channel, ts string, amount float64, kind string) antipersona.Cost {
		return antipersona.Cost{RowKey: key, ContactID: contact, Campaign: campaign, Channel: channel, Time: at(ts),
			Amount: amount, Kind: kind}
	}
	const (
		acq     = antipersona.CostAcquisition
		contact = antipersona.CostContact
		support = antipersona.CostSupport
	)
	costs := &antipersona.Batch{Kind: antipersona.KindCosts, Costs: []antipersona.Cost{
		cost("k01", "c_buyer", "", "", "2023-12-01 00:00:00", 15, acq),
		cost("k02", "f_engaged", "", "", "2024-03-01 00:00:00", 25, acq),
		cost("k03", "f_engaged", "", "", "2024-03-05 00:00:00", 3, contact),
		cost("k04", "f_engaged", "", "", "2024-04-02 00:00:00", 7.5, support),
		cost("k05", "f_engaged", "", "", "2024-07-02 00:00:00", 100, acq), // after
		cost("k06", "h_survey", "", "", "", 12, acq),                      // undated: counts
		cost("k07", "z_future", "", "", "2024-07-20 00:00:00", 9, acq),    // after
		cost("k10", "", "spring", "", "2024-03-01 00:00:00", 60, contact),
		cost("k11", "", "spring", "email", "2024-04-01 00:00:00", 30, contact),
		cost("k12", "", "spring", "", "2024-07-10 00:00:00", 1000, contact), // after
		cost("k13", "", "summer", "", "2024-06-01 00:00:00", 50, contact),
		cost("k14", "", "ghost", "", "2024-02-01 00:00:00", 70, contact),
		cost("k15", "", "", "social", "2024-04-01 00:00:00", 40, contact),
		cost("k16", "", "", "social", "2024-07-02 00:00:00", 400, contact), // after
	}}

	touch := func(key, contact, campaign, channel, ts string) antipersona.Touch {
		return antipersona.Touch{RowKey: key, ContactID: contact, Campaign: campaign, Channel: channel, Time: at(ts)}
	}
	touches := &antipersona.Batch{Kind: antipersona.KindTouches, Touches: []antipersona.Touch{
		touch("t1", "f_engaged", "spring", "email", "2024-03-01 09:00:00"),
		touch("t2", "f_engaged", "spring", "email", "2024-03-15 09:00:00"),
		touch("t3", "g_touched", "spring", "", "2024-03-02 12:00:00"),
		touch("t4", "h_survey", "spring", "", "2024-03-03 12:00:00"),
		touch("t5", "g_touched", "", "social", "2024-04-01 12:00:00"),
		touch("t6", "c_buyer", "", "social", "2024-04-01 12:00:00"),
		touch("t7", "f_engaged", "summer", "", "2024-07-05 12:00:00"), // after
		touch("t8", "z_future", "summer", "", "2024-07-16 12:00:00"),  // after
	}}

	answer := func(key, contact, q, ts string) antipersona.SurveyAnswer {
		return antipersona.SurveyAnswer{RowKey: key, ContactID: contact, QuestionID: q, Answer: "yes", Language: "en", Time: at(ts)}
	}
	answers := &antipersona.Batch{Kind: antipersona.KindSurveyAnswers, SurveyAnswers: []antipersona.SurveyAnswer{
		answer("s01", "f_engaged", "q1", "2024-03-06 10:00:00"),
		answer("s02", "f_engaged", "q2", ""),                    // undated: counts
		answer("s03", "f_engaged", "q3", "2024-07-03 10:00:00"), // after
		answer("s04", "h_survey", "q1", "2024-04-01 10:00:00"),
		answer("s05", "h_survey", "q2", "2024-06-30 12:00:00"),
		answer("s06", "h_survey", "q3", ""),
		answer("s07", "h_survey", "q4", "2024-07-02 10:00:00"), // after
		answer("s08", "y_late", "q1", "2024-06-01 10:00:00"),
		answer("s09", "z_future", "q1", "2024-07-20 10:00:00"), // after
	}}

	return []*antipersona.Batch{contacts, events, orders, returns, costs, touches, answers}
}

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
