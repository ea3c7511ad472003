package features_test

import (
	"context"
	"fmt"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/antipersona/antipersona/duckdb"
	"github.com/antipersona/antipersona/features"
	"github.com/antipersona/antipersona/features/featuretest"
)

// The hand fixture: about ten contacts whose every feature was worked out by
// hand from the Definitions in features.List (not from the SQL). The
// arithmetic is in the comments next to each expected value.
//
// Build parameters: as of 2024-06-30 (so 2024-06-30 23:59:59 counts and
// 2024-07-01 00:00:00 does not), default_margin_rate 0.3, cost_per_ticket 5,
// cost_per_return 2, session gap 30 minutes, the default engagement weights
// (sessions 1, page_views 0.2, product_views 0.5, cart_adds 2,
// wishlist_adds 1, checkouts_started 3, email_opens 0.5, email_clicks 1,
// webinars_registered 2, webinars_attended 4, trials_started 5).
//
// Day-of-year in 2024 (a leap year), used for calendar-day differences:
// Jan 1 = 1, Feb 1 = 32, Mar 1 = 61, Apr 1 = 92, May 1 = 122, Jun 1 = 153,
// Jun 30 = 182.
//
// Contacts and what they test:
//
//	a_traits    traits only, created on the as-of date at 23:30 (the whole day counts)
//	b_traits    traits only, CRM outcome true, no creation date
//	c_buyer     four orders at irregular dates (margin given / margin and cost /
//	            cost only / neither), discounts, a partial return with an amount,
//	            an order, a return and an event after the as-of date, sessions
//	            before the first order, a per-contact acquisition cost, channel spend
//	d_cancel    CRM outcome false with orders; an order cancelled by status and one
//	            by an Order Cancelled event (Return kind cancel); a full refund
//	            (Amount NaN); a cancellation after the as-of date (ignored)
//	e_anon      no contact row: anonymous events and an anonymous order joined by
//	            identify; sessions split by a >30 min gap and by a session_id
//	            change (an exactly-30-minute gap does not split); page durations;
//	            an event at 23:59:59 of the as-of date and one at 00:00 after it;
//	            an anonymous return without an order id (default margin rate)
//	f_engaged   no orders: e-mail, sign-up, webinar, trial, ticket and review events
//	            (one review without a rating); costs of each kind; campaign spend;
//	            survey answers (one without a time, one after the as-of date)
//	g_touched   no contact row, only campaign and channel touches (first_seen from a touch)
//	h_survey    traits, a campaign touch, survey answers, an undated acquisition cost
//	y_late      created after the as-of date, but answered a survey before it
//	z_future    created after the as-of date with no earlier activity: no row
//
// Campaign and channel spend (Cost rows without ContactID):
//
//	spring  60 + 30 (the 30 also names channel email, still campaign spend)
//	        = 90, touched f_engaged (twice), g_touched, h_survey: 90 / 3 = 30 each;
//	        1000 more dated after the as-of date is ignored
//	summer  50, touched only after the as-of date (f_engaged, z_future): unallocated
//	ghost   70, never touched: unallocated
//	social  40 channel-only spend, touched (channel social) g_touched and
//	        c_buyer: 40 / 2 = 20 each; 400 more after the as-of date is ignored

// The fixture's data is package featuretest's.
var (
	fixtureTraits  = featuretest.Traits
	fixtureBatches = featuretest.Batches
	at             = featuretest.At
	nan            = math.NaN()
)

// int for INTEGER, float64 for DOUBLE, time.Time, bool, string).
type row map[string]any

// nothing is the row of a contact with no data at all, from the
// definitions: counts and amounts are 0 (gross_revenue, returns_amount,
// discount_total, time_on_site_seconds: sums of nothing), monetary, margin,
// the costs, historic_value and profit 0; every "empty without ..." feature
// NULL; converted is `frequency > 0` = false when outcome is unknown.
func nothing(id string) row {
	r := row{
		"contact_id": id, "outcome": nil, "converted": false,
		"first_seen_at": nil, "tenure_days": nil, "recency_days": nil,
		"frequency": 0, "monetary": 0.0, "gross_revenue": 0.0, "avg_order_value": nil,
		"first_order_at": nil, "last_order_at": nil, "decision_cycle_days": nil,
		"cancelled_orders": 0, "cancellation_rate": nil,
		"returns_count": 0, "returns_amount": 0.0, "return_rate": nil,
		"discount_total": 0.0, "discount_share": nil, "discount_rate": nil,
		"days_between_orders": nil, "order_interval_cv": nil, "seasonality": nil, "peak_month": nil,
		"events": 0, "first_event_at": nil, "last_event_at": nil, "days_since_last_activity": nil,
		"sessions": 0, "sessions_before_first_order": 0, "page_views": 0, "time_on_site_seconds": 0.0,
		"engagement_score": 0.0, "review_score": nil,
		"margin": 0.0, "returns_cost": 0.0, "historic_value": 0.0,
		"acquisition_cost": 0.0, "contact_cost": 0.0, "support_cost": 0.0, "profit": 0.0,
		// no CLV prediction: the historic value, flagged (set from
		// historic_value in TestHandFixture)
		"predicted_purchases": nil, "p_alive": nil, "predicted_clv": nil, "clv_basis": "history",
		// traits: NULL without a contact row
		"age": nil, "plan": nil,
	}
	for _, c := range []string{"product_views", "cart_adds", "wishlist_adds", "checkouts_started", "email_opens",
		"email_clicks", "signups", "webinars_registered", "webinars_attended", "trials_started", "tickets",
		"reviews", "survey_answers", "touches"} {
		r[c] = 0
	}
	return r
}

// with returns base updated by over.
func with(base, over row) row {
	out := maps.Clone(base)
	maps.Copy(out, over)
	return out
}

func expectedRows() map[string]row {
	return map[string]row{
		"a_traits": with(nothing("a_traits"), row{
			"first_seen_at": at("2024-06-30 23:30:00"), // created_at; 23:30 of the as-of date still counts
			"tenure_days":   0,                         // Jun 30 -> Jun 30
			"age":           34.0, "plan": "pro",       // email_address is PII: no column
		}),

		"b_traits": with(nothing("b_traits"), row{
			"outcome":   true,
			"converted": true, // outcome known: true
			// first_seen_at and tenure_days NULL: no created_at and no activity
			"age": nil, "plan": "free", // age missing in the file
		}),

		"c_buyer": with(nothing("c_buyer"), row{
			"converted":           true,                      // no outcome; frequency 4 > 0
			"first_seen_at":       at("2023-12-01 00:00:00"), // created_at, before event c1 (Jan 3), order o1 (Jan 5), touch t6 (Apr 1)
			"tenure_days":         212,                       // Dec 1 -> Jan 1 = 31, Jan 1 -> Jun 30 = 182 - 1 = 181; 31 + 181
			"recency_days":        10,                        // last order o4 Jun 20 -> Jun 30
			"frequency":           4,                         // o1..o4; o5 is after the as-of date
			"monetary":            220.0,                     // 250 - 30 (return of o1)
			"gross_revenue":       250.0,                     // 100 + 50 + 80 + 20
			"avg_order_value":     62.5,                      // 250 / 4
			"first_order_at":      at("2024-01-05 10:00:00"),
			"last_order_at":       at("2024-06-20 10:00:00"),
			"decision_cycle_days": 35, // Dec 1 -> Jan 5: 31 + 4
			"cancelled_orders":    0,
			"cancellation_rate":   0.0,        // 0 / (4 + 0)
			"returns_count":       1,          // r-c1; r-c2 is after the as-of date
			"returns_amount":      30.0,       // r-c1
			"return_rate":         0.12,       // 30 / 250
			"discount_total":      15.0,       // 0 + 10 + 0 + 5
			"discount_share":      0.5,        // o2, o4 of 4 orders: 2 / 4
			"discount_rate":       15.0 / 265, // 15 / (250 + 15)
			// gaps in days: Jan 5 -> Jan 20 = 15, Jan 20 -> Mar 10 = 11 + 29 + 10 = 50,
			// Mar 10 -> Jun 20 = 21 + 30 + 31 + 20 = 102 (all orders at 10:00)
			"days_between_orders": 167.0 / 3, // (15 + 50 + 102) / 3
			// population variance = (15² + 50² + 102²)/3 - (167/3)² = 13129/3 - 27889/9 = 11498/9;
			// sd = √11498 / 3; cv = (√11498 / 3) / (167 / 3) = √11498 / 167 ≈ 0.642
			"order_interval_cv":        math.Sqrt(11498) / 167,
			"seasonality":              0.5, // months Jan, Jan, Mar, Jun: busiest Jan with 2 of 4
			"peak_month":               1,
			"events":                   6, // c1..c6; c7 is after the as-of date
			"first_event_at":           at("2024-01-03 18:00:00"),
			"last_event_at":            at("2024-02-10 08:02:00"),
			"days_since_last_activity": 10, // later of event Feb 10 and order Jun 20 -> Jun 30
			// sessions: Jan 3 18:00 | Jan 5 09:40, 09:55, 10:05 | Feb 10 08:00, 08:02
			"sessions":                    3,
			"sessions_before_first_order": 2,    // Jan 3 and Jan 5 09:40 start before o1 at Jan 5 10:00
			"page_views":                  2,    // c1, c4
			"time_on_site_seconds":        25.0, // 20 + 5
			"product_views":               1,
			"checkouts_started":           1,
			"email_opens":                 1,
			"email_clicks":                1,
			"engagement_score":            8.4, // 3×1 + 2×0.2 + 1×0.5 + 1×3 + 1×0.5 + 1×1 = 3 + 0.4 + 0.5 + 3 + 0.5 + 1
			"touches":                     1,   // t6
			// o1 margin 40 (given, cost 70 ignored); o2 50 - 30 = 20; o3 80 × 0.3 = 24; o4 5
			"margin":           89.0, // 40 + 20 + 24 + 5
			"returns_cost":     14.0, // 30 × (40 / 100) + 2 per return = 12 + 2
			"historic_value":   75.0, // 89 - 14
			"acquisition_cost": 15.0, // k01
			"contact_cost":     20.0, // social 40 / 2 (g_touched, c_buyer)
			"support_cost":     0.0,  // 0 tickets
			"profit":           40.0, // 89 - 14 - 15 - 20 - 0
			"age":              41.0, "plan": "pro",
		}),

		"d_cancel": with(nothing("d_cancel"), row{
			"outcome":       false,
			"converted":     false,                     // outcome known: false (despite 2 orders)
			"first_seen_at": at("2024-02-01 10:00:00"), // no created_at; cancelled order d1 is the earliest
			"tenure_days":   150,                       // Feb 1 -> Jun 30: 182 - 32
			"recency_days":  51,                        // d4 May 10 (day 131) -> Jun 30 (day 182)
			// d1 cancelled (status), d2 cancelled (Order Cancelled Mar 2); d4's
			// cancellation is dated Jul 2, after the as-of date, so d4 counts.
			"frequency":           2,     // d3, d4
			"monetary":            30.0,  // 120 - 90 (full refund of d3)
			"gross_revenue":       120.0, // 90 + 30
			"avg_order_value":     60.0,  // 120 / 2
			"first_order_at":      at("2024-04-15 10:00:00"),
			"last_order_at":       at("2024-05-10 10:00:00"),
			"decision_cycle_days": 74,   // Feb 1 -> Apr 15: day 106 - day 32
			"cancelled_orders":    2,    // d1, d2
			"cancellation_rate":   0.5,  // 2 / (2 + 2)
			"returns_count":       1,    // refund of d3; cancellations are not returns
			"returns_amount":      90.0, // amount NaN: the whole order d3
			"return_rate":         0.75, // 90 / 120
			"discount_total":      0.0,  // d1's discount 6 is on a cancelled order
			"discount_share":      0.0,  // 0 / 2
			"discount_rate":       0.0,  // 0 / (120 + 0)
			"days_between_orders": 25.0, // Apr 15 -> May 10
			// order_interval_cv NULL: 2 orders
			"seasonality":                 0.5, // Apr 1, May 1: busiest month has 1 of 2
			"peak_month":                  4,   // tie Apr/May: the earliest
			"events":                      2,   // d1 (Mar 2), d2 (May 1); d3 is after
			"first_event_at":              at("2024-03-02 12:00:00"),
			"last_event_at":               at("2024-05-01 12:00:00"),
			"days_since_last_activity":    51,  // later of event May 1 and order May 10 -> Jun 30
			"sessions":                    2,   // Mar 2, May 1
			"sessions_before_first_order": 1,   // Mar 2 < Apr 15
			"engagement_score":            2.0, // 2 sessions × 1
			// d3 margin 90 - 50 = 40; d4 30 × 0.3 = 9
			"margin":         49.0, // 40 + 9
			"returns_cost":   42.0, // 90 × (40 / 90) + 2 = 40 + 2
			"historic_value": 7.0,  // 49 - 42
			"profit":         7.0,  // 49 - 42 - 0 - 0 - 0
			"age":            29.0, "plan": "free",
		}),

		"e_anon": with(nothing("e_anon"), row{
			"converted":           true,                      // no contact row, frequency 1 > 0
			"first_seen_at":       at("2024-05-01 10:00:00"), // first (anonymous) event e01
			"tenure_days":         60,                        // May 1 -> Jun 30: 182 - 122
			"recency_days":        60,                        // order e1 May 1
			"frequency":           1,
			"monetary":            180.0, // 200 - 20
			"gross_revenue":       200.0,
			"avg_order_value":     200.0, // 200 / 1
			"first_order_at":      at("2024-05-01 11:40:00"),
			"last_order_at":       at("2024-05-01 11:40:00"),
			"decision_cycle_days": 0,   // May 1 -> May 1
			"cancellation_rate":   0.0, // 0 / (1 + 0)
			"returns_count":       1,   // r-e1, anonymous, joined by identify
			"returns_amount":      20.0,
			"return_rate":         0.1, // 20 / 200
			"discount_total":      50.0,
			"discount_share":      1.0, // 1 / 1
			"discount_rate":       0.2, // 50 / (200 + 50)
			// days_between_orders, order_interval_cv, seasonality NULL: 1 order
			"peak_month":               5,
			"events":                   11, // e01..e11 (e08 is the identify); e12 is at 00:00 after the as-of date
			"first_event_at":           at("2024-05-01 10:00:00"),
			"last_event_at":            at("2024-06-30 23:59:59"),
			"days_since_last_activity": 0, // event on Jun 30
			// sessions: 10:00, 10:20 (s1) | 10:51 (31 min gap) | 10:55 (s1 -> s2), 10:56,
			// 11:26 (gap exactly 30: not longer), 11:30, 11:35, 11:40 | Jun 15 | Jun 30 23:59:59
			"sessions":                    5,
			"sessions_before_first_order": 3,     // 10:00, 10:51, 10:55 start before 11:40
			"page_views":                  4,     // e01, e02, e05, e10
			"time_on_site_seconds":        147.5, // 30 + 45 + 12.5 + 60
			"product_views":               1,
			"cart_adds":                   1,
			"wishlist_adds":               1,
			"checkouts_started":           1,
			"email_opens":                 1,
			// 5×1 + 4×0.2 + 1×0.5 + 1×2 + 1×1 + 1×3 + 1×0.5 = 5 + 0.8 + 0.5 + 2 + 1 + 3 + 0.5
			"engagement_score": 12.8,
			"margin":           80.0, // given
			"returns_cost":     8.0,  // order unknown: 20 × 0.3 + 2 = 6 + 2
			"historic_value":   72.0, // 80 - 8
			"profit":           72.0, // 80 - 8 - 0 - 0 - 0
		}),

		"f_engaged": with(nothing("f_engaged"), row{
			// converted false: no outcome, no order
			"first_seen_at":            at("2024-03-01 08:00:00"), // created_at, before touch t1 (09:00) and event f01 (Mar 5)
			"tenure_days":              121,                       // Mar 1 -> Jun 30: 182 - 61
			"events":                   11,                        // f01..f11; f12 is after
			"first_event_at":           at("2024-03-05 09:00:00"),
			"last_event_at":            at("2024-05-21 16:00:00"),
			"days_since_last_activity": 40, // May 21 -> Jun 30: 10 + 30
			// sessions: Mar 5 09:00, 09:05, 09:06 | Mar 10 | Mar 20 15:00, 15:10 |
			// Apr 2 11:00, 11:20 | Apr 20 | May 20 | May 21
			"sessions":                    7,
			"sessions_before_first_order": 7, // no order: all
			"email_opens":                 1,
			"email_clicks":                1,
			"signups":                     1,
			"webinars_registered":         1,
			"webinars_attended":           1,
			"trials_started":              1,
			// 7×1 + 0.5 + 1 + 2 + 4 + 5 (signups weigh nothing)
			"engagement_score": 19.5,
			"tickets":          2,     // f07, f08; f12 is after
			"reviews":          3,     // f09, f10, f11
			"review_score":     4.5,   // (4 + 5) / 2; f11 has no rating
			"survey_answers":   2,     // s01, s02 (undated); s03 is after
			"touches":          2,     // t1, t2; t7 is after
			"acquisition_cost": 25.0,  // k02; k05 is after
			"contact_cost":     33.0,  // k03 3 + spring 90 / 3 = 3 + 30 (summer touched nobody by Jun 30)
			"support_cost":     17.5,  // 2 tickets × 5 + k04 7.5
			"profit":           -75.5, // 0 - 0 - 25 - 33 - 17.5
			"age":              52.0, "plan": "trial",
		}),

		"g_touched": with(nothing("g_touched"), row{
			"first_seen_at": at("2024-03-02 12:00:00"), // first touch t3
			"tenure_days":   120,                       // Mar 2 -> Jun 30: 182 - 62
			"touches":       2,                         // t3, t5
			"contact_cost":  50.0,                      // spring 90 / 3 + social 40 / 2 = 30 + 20
			"profit":        -50.0,                     // 0 - 0 - 0 - 50 - 0
			// days_since_last_activity NULL: touches are neither events nor orders
		}),

		"h_survey": with(nothing("h_survey"), row{
			"first_seen_at":    at("2024-02-15 09:00:00"), // created_at, before touch t4 (Mar 3)
			"tenure_days":      136,                       // Feb 15 (day 46) -> Jun 30 (day 182)
			"survey_answers":   3,                         // s04, s05, s06 (undated); s07 is after
			"touches":          1,                         // t4
			"acquisition_cost": 12.0,                      // k06, undated
			"contact_cost":     30.0,                      // spring 90 / 3
			"profit":           -42.0,                     // 0 - 0 - 12 - 30 - 0
			"age":              23.0, "plan": "free",
		}),

		"y_late": with(nothing("y_late"), row{
			// Its created_at (Jul 10) is later data and ignored by the as-of rule;
			// the survey answer is not one of first_seen_at's sources, so
			// first_seen_at and tenure_days are NULL.
			"first_seen_at":  nil,
			"tenure_days":    nil,
			"survey_answers": 1, // s08
			"age":            60.0, "plan": "pro",
		}),
		// z_future: no row.
	}
}

// TestHandFixture builds the features of the hand fixture and compares every
// column of every row with the hand-computed values of expectedRows.
func TestHandFixture(t *testing.T) {
	ctx := context.Background()
	s, err := duckdb.Open(ctx, filepath.Join(t.TempDir(), "s.duckdb"), duckdb.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, b := range fixtureBatches() {
		if _, err := s.WriteBatch(ctx, b); err != nil {
			t.Fatalf("write %s: %v", b.Kind, err)
		}
	}
	p := defaultParams(time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC))
	p.CostPerReturn = 2
	p.Traits = fixtureTraits
	// The purchase history the CLV models read, by hand: c_buyer's
	// non-cancelled orders o1..o4 fall on Jan 5, Jan 20, Mar 10 and Jun 20
	// with revenue 100, 50, 80 and 20: x = 3 repeat days, t_x = Jan 5 ->
	// Jun 20 = 26 + 29 + 31 + 30 + 31 + 20 = 167 days, t = Jan 5 -> Jun 30 =
	// 177 days, first day 100, repeat days (50 + 80 + 20) / 3 = 50.
	var hist [][]any
	if err := s.Scan(ctx, features.PurchaseHistorySQL(p), func(v []any) error {
		hist = append(hist, slices.Clone(v))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	buyers := map[string]bool{}
	for id, r := range expectedRows() {
		if r["frequency"] != 0 {
			buyers[id] = true
		}
	}
	if len(hist) != len(buyers) {
		t.Errorf("purchase history of %d contacts, want the %d with orders: %v", len(hist), len(buyers), hist)
	}
	for _, h := range hist {
		if !buyers[h[0].(string)] {
			t.Errorf("purchase history of %v, who has no order", h[0])
		}
		if h[0] == "c_buyer" && fmt.Sprint(h[1:]) != "[3 167 177 100 50]" {
			t.Errorf("c_buyer's purchase history %v, want [3 167 177 100 50]", h[1:])
		}
	}
	// A model's prediction for c_buyer: its predicted_clv is the predicted
	// revenue times its margin rate, 100 × 89 / 250 = 35.6.
	if _, err := s.DB().ExecContext(ctx, "INSERT INTO clv_predictions VALUES ('c_buyer', 1.5, 0.8, 100)"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Build(ctx, features.SQL(p), p.AsOf, "hand"); err != nil {
		t.Fatal(err)
	}

	types := map[string]string{"age": "DOUBLE", "plan": "VARCHAR"}
	defs := map[string]string{}
	for _, f := range features.List {
		types[f.Name] = f.Type
		defs[f.Name] = f.Definition
	}
	cols := append(features.Names(), "age", "plan")
	want := expectedRows()
	for _, r := range want {
		if r["clv_basis"] == "history" {
			r["predicted_clv"] = r["historic_value"]
		}
	}
	want["c_buyer"]["predicted_purchases"], want["c_buyer"]["p_alive"] = 1.5, 0.8
	want["c_buyer"]["predicted_clv"], want["c_buyer"]["clv_basis"] = 100*89.0/250, "model"
	for id, r := range want {
		if got := slices.Sorted(maps.Keys(r)); !slices.Equal(got, slices.Sorted(slices.Values(cols))) {
			t.Fatalf("expected row %s does not name exactly the columns:\n got %v\nwant %v", id, got, slices.Sorted(slices.Values(cols)))
		}
	}

	var ids []string
	err = s.FeatureRows(ctx, func(got map[string]any) error {
		id, _ := got["contact_id"].(string)
		ids = append(ids, id)
		w, ok := want[id]
		if !ok {
			t.Errorf("unexpected row for contact %q", id)
			return nil
		}
		for _, c := range cols {
			g, ok := got[c]
			if !ok {
				t.Errorf("%s: no column %s", id, c)
				continue
			}
			if msg := typeMismatch(types[c], g); msg != "" {
				t.Errorf("%s.%s: %s", id, c, msg)
			}
			if !same(g, w[c]) {
				t.Errorf("%s.%s = %s, want %s\n\tdefinition: %s", id, c, show(g), show(w[c]), defs[c])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if wantIDs := slices.Sorted(maps.Keys(want)); !slices.Equal(ids, wantIDs) {
		t.Errorf("contacts:\n got %v\nwant %v", ids, wantIDs)
	}
}

// typeMismatch reports a value whose Go type does not fit the declared SQL
// type of its column ("" when it fits or is NULL).
func typeMismatch(sqlType string, v any) string {
	if v == nil {
		return ""
	}
	ok := false
	switch sqlType {
	case "INTEGER":
		_, ok = v.(int32)
	case "DOUBLE":
		_, ok = v.(float64)
	case "BOOLEAN":
		_, ok = v.(bool)
	case "TIMESTAMP":
		_, ok = v.(time.Time)
	case "VARCHAR":
		_, ok = v.(string)
	}
	if ok {
		return ""
	}
	return fmt.Sprintf("declared %s, scanned as %T", sqlType, v)
}

// same compares a scanned value with an expected one: integers by value,
// floats within 1e-9, times by instant.
func same(got, want any) bool {
	if got == nil || want == nil {
		return got == nil && want == nil
	}
	if gi, ok := asInt(got); ok {
		wi, ok := asInt(want)
		return ok && gi == wi
	}
	switch w := want.(type) {
	case float64:
		g, ok := got.(float64)
		return ok && math.Abs(g-w) <= 1e-9
	case time.Time:
		g, ok := got.(time.Time)
		return ok && g.Equal(w)
	}
	return got == want
}

func asInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return int64(x), true
	}
	return 0, false
}

func show(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case time.Time:
		return x.UTC().Format(time.DateTime)
	case string:
		return fmt.Sprintf("%q", x)
	}
	return fmt.Sprintf("%v (%T)", v, v)
}
