// Package features defines the per-contact features of antipersona: their
// names, units and definitions (the source of docs/features.md) and the SQL
// that computes them inside a store as of a reference date.
//
// The SQL is written for DuckDB and kept to the subset PostgreSQL shares
// where that costs nothing; stores execute it, this package does not know
// about them.
package features

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/antipersona/antipersona"
)

// Feature documents one output column.
type Feature struct {
	Name       string // stable column name
	Type       string // SQL type of the column
	Unit       string
	Definition string
}

// List is every feature column in output order (traits follow them).
var List = []Feature{
	{"contact_id", "VARCHAR", "", "The contact's id, as ingested (`userId` for events)."},
	{"outcome", "BOOLEAN", "", "The CRM's own conversion flag (`ingest contacts --outcome-col`); empty when the export has none."},
	{"converted", "BOOLEAN", "", "`outcome` when known, otherwise whether the contact has at least one non-cancelled order (`frequency > 0`)."},
	{"first_seen_at", "TIMESTAMP", "UTC time", "Earliest of the contact's `created_at`, first event, first order (cancelled ones included) and first campaign touch."},
	{"tenure_days", "INTEGER", "days", "Calendar days from `first_seen_at` to the as-of date."},
	{"recency_days", "INTEGER", "days", "Calendar days from the last non-cancelled order to the as-of date; empty without orders."},
	{"frequency", "INTEGER", "orders", "Distinct non-cancelled orders. An order is cancelled when its status is cancelled or an `Order Cancelled` event names it."},
	{"monetary", "DOUBLE", "currency", "Net revenue: `gross_revenue` minus `returns_amount`."},
	{"gross_revenue", "DOUBLE", "currency", "Sum of the revenue of non-cancelled orders (after discounts)."},
	{"avg_order_value", "DOUBLE", "currency", "`gross_revenue / frequency`; empty without orders."},
	{"first_order_at", "TIMESTAMP", "UTC time", "Time of the first non-cancelled order."},
	{"last_order_at", "TIMESTAMP", "UTC time", "Time of the last non-cancelled order."},
	{"decision_cycle_days", "INTEGER", "days", "Calendar days from `first_seen_at` to `first_order_at`; empty without orders."},
	{"cancelled_orders", "INTEGER", "orders", "Orders that were cancelled."},
	{"cancellation_rate", "DOUBLE", "share 0..1", "`cancelled_orders / (frequency + cancelled_orders)`; empty without orders."},
	{"returns_count", "INTEGER", "returns", "Returns and refunds (negative order lines, refunded orders, `Order Refunded` events); cancellations are not returns."},
	{"returns_amount", "DOUBLE", "currency", "Money given back by those returns and refunds; a refund without an amount gives back the whole order."},
	{"return_rate", "DOUBLE", "share 0..1", "`returns_amount / gross_revenue`; empty when `gross_revenue` is 0."},
	{"discount_total", "DOUBLE", "currency", "Sum of discounts granted on non-cancelled orders."},
	{"discount_share", "DOUBLE", "share 0..1", "Share of non-cancelled orders bought with a discount (discount > 0); empty without orders."},
	{"discount_rate", "DOUBLE", "share 0..1", "`discount_total / (gross_revenue + discount_total)`: how much of the list price was discounted; empty without orders."},
	{"days_between_orders", "DOUBLE", "days", "Mean days between consecutive non-cancelled orders; empty with fewer than 2 orders."},
	{"order_interval_cv", "DOUBLE", "ratio", "Purchase regularity: standard deviation divided by mean of the days between consecutive orders (population formula); low is regular. Empty with fewer than 3 orders."},
	{"seasonality", "DOUBLE", "share 0..1", "Share of non-cancelled orders placed in the contact's busiest calendar month (any year); empty with fewer than 2 orders. 1 means every order in the same month of the year."},
	{"peak_month", "INTEGER", "month 1..12", "The busiest calendar month of the contact's orders (the earliest month on ties); empty without orders."},
	{"events", "INTEGER", "events", "All events of the contact, including anonymous ones (`anonymousId` only) linked to the contact by an `identify` call made up to the as-of date."},
	{"first_event_at", "TIMESTAMP", "UTC time", "Time of the first event."},
	{"last_event_at", "TIMESTAMP", "UTC time", "Time of the last event."},
	{"days_since_last_activity", "INTEGER", "days", "Calendar days from the last event or order (whichever is later) to the as-of date; empty without either."},
	{"sessions", "INTEGER", "sessions", "Visits: events ordered by time start a new session after a gap longer than `features.session_gap_minutes` or when the `session_id` changes."},
	{"sessions_before_first_order", "INTEGER", "sessions", "Sessions that started before `first_order_at` (all sessions when there is no order)."},
	{"page_views", "INTEGER", "events", "`page` calls."},
	{"time_on_site_seconds", "DOUBLE", "seconds", "Sum of the `duration` property of events (time on page)."},
	{"product_views", "INTEGER", "events", "`Product Viewed` events."},
	{"cart_adds", "INTEGER", "events", "`Product Added` events."},
	{"wishlist_adds", "INTEGER", "events", "`Product Added to Wishlist` events."},
	{"checkouts_started", "INTEGER", "events", "`Checkout Started` events."},
	{"email_opens", "INTEGER", "events", "`Email Opened` events."},
	{"email_clicks", "INTEGER", "events", "`Email Link Clicked` events."},
	{"signups", "INTEGER", "events", "`Signed Up` events."},
	{"webinars_registered", "INTEGER", "events", "`Webinar Registered` events."},
	{"webinars_attended", "INTEGER", "events", "`Webinar Attended` events."},
	{"trials_started", "INTEGER", "events", "`Trial Started` events."},
	{"engagement_score", "DOUBLE", "points", "Weighted sum of engagement signals: Σ weight × count over sessions, page_views, product_views, cart_adds, wishlist_adds, checkouts_started, email_opens, email_clicks, webinars_registered, webinars_attended, trials_started, with the weights of `features.engagement_weights` (defaults 1, 0.2, 0.5, 2, 1, 3, 0.5, 1, 2, 4, 5)."},
	{"tickets", "INTEGER", "tickets", "Support load: `Ticket Created` events."},
	{"reviews", "INTEGER", "reviews", "`Review Submitted` events."},
	{"review_score", "DOUBLE", "rating", "Mean `rating` of `Review Submitted` events; empty without a rated review."},
	{"survey_answers", "INTEGER", "answers", "Survey answers given by the contact."},
	{"touches", "INTEGER", "touches", "Campaign touches (rows of `touches`)."},
	{"margin", "DOUBLE", "currency", "Gross margin of non-cancelled orders: the order's margin, else revenue − cost of goods, else revenue × `features.default_margin_rate`."},
	{"returns_cost", "DOUBLE", "currency", "Margin lost to returns (amount × the order's margin/revenue ratio, or × `default_margin_rate` when the order is unknown) plus `features.cost_per_return` per return."},
	{"historic_value", "DOUBLE", "currency", "Net margin the contact has brought: `margin − returns_cost`."},
	{"acquisition_cost", "DOUBLE", "currency", "Per-contact costs of kind `acquisition`."},
	{"contact_cost", "DOUBLE", "currency", "Per-contact costs of kind `contact` plus allocated campaign spend: each campaign's spend (costs rows without a contact) is split equally over the distinct contacts it touched; spend with only a channel is split over the contacts touched in that channel. Spend on a campaign that touched nobody stays unallocated."},
	{"support_cost", "DOUBLE", "currency", "`tickets × features.cost_per_ticket` plus per-contact costs of kind `support`."},
	{"profit", "DOUBLE", "currency", "`margin − returns_cost − acquisition_cost − contact_cost − support_cost`; may be negative."},
	{"predicted_purchases", "DOUBLE", "purchases", "Purchase days expected in the next `clv.horizon_days` (BG/NBD or Pareto/NBD, `clv.model`, fitted on every buyer's purchase days as of the date; a day with several orders is one purchase). Empty when `clv_basis` is `history`."},
	{"p_alive", "DOUBLE", "probability 0..1", "Probability that the customer is still active (will buy again), from the same model. Empty when `clv_basis` is `history`."},
	{"predicted_clv", "DOUBLE", "currency", "Margin expected from the next `clv.months` months, discounted by `clv.monthly_discount` a month: expected purchases per month × expected revenue of a purchase (Gamma-Gamma on the mean revenue of repeat purchase days) × the contact's margin rate (`margin / gross_revenue`, else `features.default_margin_rate`). With `clv_basis` `history` it is `historic_value`."},
	{"clv_basis", "VARCHAR", "", "`model` when `predicted_clv` comes from the CLV models; `history` when the contact has no order, or the shop has too few buyers (`clv.min_buyers`) or no repeat buyer to fit them on: then `predicted_clv` falls back to `historic_value`."},
}

// Names returns the feature column names in output order.
func Names() []string {
	out := make([]string, len(List))
	for i, f := range List {
		out[i] = f.Name
	}
	return out
}

// ReservedIdents are the identifiers a trait may not take: the feature
// names and the contact columns kept outside the traits. Ingest renames such
// a trait (prefix "trait_").
func ReservedIdents() []string {
	return append(Names(), "email", "phone", "created_at")
}

// Params are the inputs of the feature SQL.
type Params struct {
	// AsOf is the reference date (midnight UTC). Data up to the end of that
	// day counts; later data is ignored.
	AsOf              time.Time
	DefaultMarginRate float64
	CostPerTicket     float64
	CostPerReturn     float64
	SessionGapMinutes int
	// Weights of engagement_score by signal name; a signal not in the map weighs 0.
	Weights map[string]float64
	// Traits are copied after the features; identifier (PII) traits are left out.
	Traits []antipersona.Trait
}

// engagementSignals are the columns engagement_score weighs, in doc order.
var engagementSignals = []string{"sessions", "page_views", "product_views", "cart_adds", "wishlist_adds",
	"checkouts_started", "email_opens", "email_clicks", "webinars_registered", "webinars_attended", "trials_started"}

func lit(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func num(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// SQL returns a SELECT that yields one row per contact with the columns of
// List followed by the non-PII traits. A contact is included when it has
// any data before the cutoff, or traits and no creation date after it.
func SQL(p Params) string {
	asOf := p.AsOf.UTC().Format(time.DateOnly)
	cutoff := p.AsOf.UTC().AddDate(0, 0, 1).Format(time.DateOnly)
	gap := p.SessionGapMinutes
	if gap <= 0 {
		gap = 30
	}
	var score []string
	for _, s := range engagementSignals {
		if w := p.Weights[s]; w != 0 {
			score = append(score, fmt.Sprintf("%s * COALESCE(es.%s, 0)", num(w), s))
		}
	}
	if len(score) == 0 {
		score = []string{"0"}
	}
	// The non-PII traits are copied to the output; ct (the contacts as of
	// the date) also needs created_at and outcome.
	ctCols := []string{"created_at", "outcome"}
	var traitSel strings.Builder
	for _, t := range p.Traits {
		if t.PII || t.Type == antipersona.TraitIdentifier {
			continue
		}
		ctCols = append(ctCols, t.Ident)
		traitSel.WriteString(",\n  c." + ident(t.Ident))
	}
	var contactCols strings.Builder
	for _, c := range ctCols {
		fmt.Fprintf(&contactCols, ",\n    %s AS %s", LatestValue(ident(c), "", ""), ident(c))
	}
	rate := num(p.DefaultMarginRate)

	r := strings.NewReplacer(
		"{AS_OF}", lit(asOf),
		"{CUTOFF}", lit(cutoff),
		"{GAP}", strconv.Itoa(gap),
		"{RATE}", rate,
		"{PER_TICKET}", num(p.CostPerTicket),
		"{PER_RETURN}", num(p.CostPerReturn),
		"{SCORE}", strings.Join(score, " + "),
		"{TRAITS}", traitSel.String(),
		"{CONTACT_COLS}", contactCols.String(),
	)
	return r.Replace(strings.NewReplacer("{IDN}", idnCTE, "{ORD}", ordCTE).Replace(featureSQL))
}

// idnCTE and ordCTE are the identities and the orders (with their
// cancellation) as of the date, shared by SQL and PurchaseHistorySQL.
const idnCTE = `idn AS (
  -- anonymous_id is the key of identities, so joining on it never
  -- multiplies rows; the stored contact_id wins over the identity's.
  SELECT anonymous_id, contact_id FROM identities WHERE ts IS NULL OR ts < TIMESTAMP {CUTOFF}
),
`

const ordCTE = `cancelled AS (
  SELECT DISTINCT order_id FROM returns WHERE kind = 'cancel' AND ts < TIMESTAMP {CUTOFF} AND order_id IS NOT NULL
),
ord AS (
  SELECT COALESCE(o.contact_id, i.contact_id) AS contact_id, o.order_id, o.ts, o.revenue, o.discount,
    COALESCE(o.margin, o.revenue - o.cost_of_goods, o.revenue * {RATE}) AS margin,
    (o.status = 'cancelled' OR x.order_id IS NOT NULL) AS is_cancelled
  FROM orders o
  LEFT JOIN idn i ON i.anonymous_id = o.anonymous_id
  LEFT JOIN cancelled x ON x.order_id = o.order_id
  WHERE o.ts < TIMESTAMP {CUTOFF}
),
`

// PurchaseHistorySQL is the purchase history per contact as of p.AsOf, in
// the form the CLV models read (package clv): purchase days of the
// non-cancelled orders of features' frequency, with their revenue summed
// per day. Columns: contact_id, x (purchase days after the first), t_x and
// t (days from the first purchase day to the last and to the as-of date),
// first_value (revenue of the first day) and repeat_value (mean revenue of
// the later days, 0 when there are none). Only contacts with an order.
// LatestValue is the aggregate, in DuckDB's dialect, over a contact's
// versions (rows of contacts, prefix "c." when aliased) that keeps the
// value of the quoted column q in the latest version that has one: a
// version's NULL means "unchanged", and the version without valid_from
// (the contact as first known) is the oldest. extra, when not empty, is a
// further SQL condition on the versions. Every store and the feature SQL
// merge versions with it.
func LatestValue(q, prefix, extra string) string {
	filter := prefix + q + " IS NOT NULL"
	if extra != "" {
		filter += " AND " + extra
	}
	return "arg_max(" + prefix + q + ", COALESCE(" + prefix + "valid_from, TIMESTAMP '-infinity')) FILTER (WHERE " + filter + ")"
}

// MergedContacts selects, in DuckDB's dialect, one row per contact with,
// per trait, its latest value (LatestValue), over the versions for which
// the SQL condition where holds (all when empty).
func MergedContacts(traits []antipersona.Trait, where string) string {
	cols := make([]string, len(traits))
	for i, t := range traits {
		q := ident(t.Ident)
		cols[i] = LatestValue(q, "", "") + " AS " + q
	}
	if where != "" {
		where = " WHERE " + where
	}
	return "SELECT contact_id, " + strings.Join(cols, ", ") + " FROM contacts" + where + " GROUP BY contact_id"
}

func PurchaseHistorySQL(p Params) string {
	cutoff := p.AsOf.UTC().AddDate(0, 0, 1).Format(time.DateOnly)
	asOf := p.AsOf.UTC().Format(time.DateOnly)
	q := "WITH " + idnCTE + ordCTE + `days AS (
  SELECT contact_id, CAST(ts AS DATE) AS day, sum(revenue) AS v
  FROM ord WHERE NOT is_cancelled AND contact_id IS NOT NULL GROUP BY contact_id, CAST(ts AS DATE)
)
SELECT contact_id, count(*) - 1 AS x,
  date_diff('day', min(day), max(day)) AS t_x,
  date_diff('day', min(day), DATE {AS_OF}) AS t,
  arg_min(v, day) AS first_value,
  CASE WHEN count(*) > 1 THEN (sum(v) - arg_min(v, day)) / (count(*) - 1) ELSE 0 END AS repeat_value
FROM days GROUP BY contact_id ORDER BY contact_id`
	return strings.NewReplacer("{CUTOFF}", lit(cutoff), "{AS_OF}", lit(asOf), "{RATE}", num(p.DefaultMarginRate)).Replace(q)
}

// featureSQL is the template of SQL. Dates: {AS_OF} is the as-of date,
// {CUTOFF} the day after it (exclusive bound on timestamps).
const featureSQL = `WITH
ct AS (
  -- per contact and column, the value of the latest version valid on the
  -- as-of date that has one (a version's NULL means "unchanged")
  SELECT contact_id{CONTACT_COLS}
  FROM contacts WHERE valid_from IS NULL OR valid_from < TIMESTAMP {CUTOFF}
  GROUP BY contact_id
),
{IDN}ev AS (
  SELECT COALESCE(e.contact_id, i.contact_id) AS contact_id, e.type, e.event, e.ts, e.session_id, e.duration, e.rating
  FROM events e LEFT JOIN idn i ON i.anonymous_id = e.anonymous_id
  WHERE e.ts < TIMESTAMP {CUTOFF}
),
ev_agg AS (
  SELECT contact_id,
    count(*) AS events,
    min(ts) AS first_event_at,
    max(ts) AS last_event_at,
    count(*) FILTER (WHERE type = 'page') AS page_views,
    sum(duration) AS time_on_site_seconds,
    count(*) FILTER (WHERE event = 'Product Viewed') AS product_views,
    count(*) FILTER (WHERE event = 'Product Added') AS cart_adds,
    count(*) FILTER (WHERE event = 'Product Added to Wishlist') AS wishlist_adds,
    count(*) FILTER (WHERE event = 'Checkout Started') AS checkouts_started,
    count(*) FILTER (WHERE event = 'Email Opened') AS email_opens,
    count(*) FILTER (WHERE event = 'Email Link Clicked') AS email_clicks,
    count(*) FILTER (WHERE event = 'Signed Up') AS signups,
    count(*) FILTER (WHERE event = 'Webinar Registered') AS webinars_registered,
    count(*) FILTER (WHERE event = 'Webinar Attended') AS webinars_attended,
    count(*) FILTER (WHERE event = 'Trial Started') AS trials_started,
    count(*) FILTER (WHERE event = 'Ticket Created') AS tickets,
    count(*) FILTER (WHERE event = 'Review Submitted') AS reviews,
    avg(rating) FILTER (WHERE event = 'Review Submitted') AS review_score
  FROM ev WHERE contact_id IS NOT NULL GROUP BY contact_id
),
{ORD}ord_ok AS (
  SELECT *, date_diff('day', lag(ts) OVER (PARTITION BY contact_id ORDER BY ts, order_id), ts) AS gap_days
  FROM ord WHERE NOT is_cancelled AND contact_id IS NOT NULL
),
ord_agg AS (
  SELECT contact_id,
    count(*) AS frequency,
    sum(revenue) AS gross_revenue,
    min(ts) AS first_order_at,
    max(ts) AS last_order_at,
    sum(discount) AS discount_total,
    count(*) FILTER (WHERE discount > 0) AS discounted,
    sum(margin) AS margin,
    avg(gap_days) AS days_between_orders,
    CASE WHEN count(gap_days) >= 2 AND avg(gap_days) > 0 THEN stddev_pop(gap_days) / avg(gap_days) END AS order_interval_cv
  FROM ord_ok GROUP BY contact_id
),
ord_month AS (
  SELECT contact_id, month(ts) AS m, count(*) AS n FROM ord_ok GROUP BY contact_id, month(ts)
),
season AS (
  SELECT contact_id, arg_max(m, n * 100 - m) AS peak_month, max(n) AS peak_n FROM ord_month GROUP BY contact_id
),
ord_all AS (
  SELECT contact_id, min(ts) AS first_any_order_at, count(*) FILTER (WHERE is_cancelled) AS cancelled_orders
  FROM ord WHERE contact_id IS NOT NULL GROUP BY contact_id
),
ret AS (
  SELECT COALESCE(r.contact_id, o.contact_id, i.contact_id) AS contact_id,
    COALESCE(r.amount, o.revenue, 0) AS amount,
    COALESCE(r.amount, o.revenue, 0) * CASE WHEN o.revenue > 0 THEN o.margin / o.revenue ELSE {RATE} END AS margin_lost
  FROM returns r
  LEFT JOIN ord o ON o.order_id = r.order_id
  LEFT JOIN idn i ON i.anonymous_id = r.anonymous_id
  WHERE r.kind <> 'cancel' AND r.ts < TIMESTAMP {CUTOFF}
),
ret_agg AS (
  SELECT contact_id, count(*) AS returns_count, sum(amount) AS returns_amount, sum(margin_lost) AS margin_lost
  FROM ret WHERE contact_id IS NOT NULL GROUP BY contact_id
),
cost_c AS (
  SELECT contact_id,
    sum(amount) FILTER (WHERE kind = 'acquisition') AS acquisition_cost,
    sum(amount) FILTER (WHERE kind = 'contact') AS direct_contact_cost,
    sum(amount) FILTER (WHERE kind = 'support') AS support_extra
  FROM costs WHERE contact_id IS NOT NULL AND (ts IS NULL OR ts < TIMESTAMP {CUTOFF}) GROUP BY contact_id
),
tch AS (
  SELECT * FROM touches WHERE ts IS NULL OR ts < TIMESTAMP {CUTOFF}
),
camp_spend AS (
  SELECT campaign, sum(amount) AS spend FROM costs
  WHERE contact_id IS NULL AND campaign IS NOT NULL AND (ts IS NULL OR ts < TIMESTAMP {CUTOFF}) GROUP BY campaign
),
camp_touch AS (SELECT DISTINCT campaign, contact_id FROM tch WHERE campaign IS NOT NULL),
camp_alloc AS (
  SELECT t.contact_id, sum(s.spend / n.n) AS amount
  FROM camp_touch t JOIN camp_spend s USING (campaign)
  JOIN (SELECT campaign, count(*) AS n FROM camp_touch GROUP BY campaign) n USING (campaign)
  GROUP BY t.contact_id
),
chan_spend AS (
  SELECT channel, sum(amount) AS spend FROM costs
  WHERE contact_id IS NULL AND campaign IS NULL AND channel IS NOT NULL AND (ts IS NULL OR ts < TIMESTAMP {CUTOFF}) GROUP BY channel
),
chan_touch AS (SELECT DISTINCT channel, contact_id FROM tch WHERE channel IS NOT NULL),
chan_alloc AS (
  SELECT t.contact_id, sum(s.spend / n.n) AS amount
  FROM chan_touch t JOIN chan_spend s USING (channel)
  JOIN (SELECT channel, count(*) AS n FROM chan_touch GROUP BY channel) n USING (channel)
  GROUP BY t.contact_id
),
tch_agg AS (SELECT contact_id, count(*) AS touches, min(ts) AS first_touch_at FROM tch GROUP BY contact_id),
srv AS (
  SELECT contact_id, count(*) AS survey_answers FROM survey_answers
  WHERE ts IS NULL OR ts < TIMESTAMP {CUTOFF} GROUP BY contact_id
),
ids AS (
  SELECT contact_id FROM ct WHERE created_at IS NULL OR created_at < TIMESTAMP {CUTOFF}
  UNION SELECT contact_id FROM ev_agg
  UNION SELECT contact_id FROM ord_all
  UNION SELECT contact_id FROM ret_agg
  UNION SELECT contact_id FROM cost_c
  UNION SELECT contact_id FROM tch_agg
  UNION SELECT contact_id FROM srv
),
seen AS (
  -- A created_at after the as-of date is later data: ignored like the rest.
  SELECT ids.contact_id,
    least(CASE WHEN c.created_at < TIMESTAMP {CUTOFF} THEN c.created_at END,
      ev_agg.first_event_at, ord_all.first_any_order_at, tch_agg.first_touch_at) AS first_seen_at
  FROM ids
  LEFT JOIN ct c USING (contact_id)
  LEFT JOIN ev_agg USING (contact_id)
  LEFT JOIN ord_all USING (contact_id)
  LEFT JOIN tch_agg USING (contact_id)
),
ev_sess AS (
  SELECT contact_id, ts,
    CASE WHEN lag(ts) OVER w IS NULL
           OR ts - lag(ts) OVER w > INTERVAL {GAP} MINUTE
           OR (session_id IS NOT NULL AND lag(session_id) OVER w IS NOT NULL AND session_id <> lag(session_id) OVER w)
         THEN 1 ELSE 0 END AS starts
  FROM ev WHERE contact_id IS NOT NULL
  WINDOW w AS (PARTITION BY contact_id ORDER BY ts, session_id)
),
sess AS (
  SELECT s.contact_id, sum(s.starts) AS sessions,
    sum(s.starts) FILTER (WHERE o.first_order_at IS NULL OR s.ts < o.first_order_at) AS sessions_before_first_order
  FROM ev_sess s LEFT JOIN ord_agg o USING (contact_id)
  GROUP BY s.contact_id
),
es AS (
  SELECT ev_agg.*, sess.sessions, sess.sessions_before_first_order FROM ev_agg LEFT JOIN sess USING (contact_id)
),
base AS (
  SELECT ids.contact_id,
    c.outcome,
    seen.first_seen_at,
    o.frequency, o.gross_revenue, o.first_order_at, o.last_order_at, o.discount_total, o.discounted, o.margin AS order_margin,
    o.days_between_orders, o.order_interval_cv,
    season.peak_month, season.peak_n,
    oa.cancelled_orders,
    r.returns_count, r.returns_amount, r.margin_lost,
    es.*  EXCLUDE (contact_id),
    cc.acquisition_cost AS acq, cc.direct_contact_cost, cc.support_extra,
    ca.amount AS camp_amount, ch.amount AS chan_amount,
    t.touches AS touch_count,
    srv.survey_answers AS answers
  FROM ids
  LEFT JOIN ct c USING (contact_id)
  LEFT JOIN seen USING (contact_id)
  LEFT JOIN ord_agg o USING (contact_id)
  LEFT JOIN season USING (contact_id)
  LEFT JOIN ord_all oa USING (contact_id)
  LEFT JOIN ret_agg r USING (contact_id)
  LEFT JOIN es USING (contact_id)
  LEFT JOIN cost_c cc USING (contact_id)
  LEFT JOIN camp_alloc ca USING (contact_id)
  LEFT JOIN chan_alloc ch USING (contact_id)
  LEFT JOIN tch_agg t USING (contact_id)
  LEFT JOIN srv USING (contact_id)
),
f AS (
  SELECT contact_id,
    outcome,
    COALESCE(outcome, COALESCE(frequency, 0) > 0) AS converted,
    first_seen_at,
    CAST(date_diff('day', CAST(first_seen_at AS DATE), DATE {AS_OF}) AS INTEGER) AS tenure_days,
    CAST(date_diff('day', CAST(last_order_at AS DATE), DATE {AS_OF}) AS INTEGER) AS recency_days,
    CAST(COALESCE(frequency, 0) AS INTEGER) AS frequency,
    COALESCE(gross_revenue, 0) - COALESCE(returns_amount, 0) AS monetary,
    COALESCE(gross_revenue, 0) AS gross_revenue,
    gross_revenue / frequency AS avg_order_value,
    first_order_at,
    last_order_at,
    CAST(date_diff('day', CAST(first_seen_at AS DATE), CAST(first_order_at AS DATE)) AS INTEGER) AS decision_cycle_days,
    CAST(COALESCE(cancelled_orders, 0) AS INTEGER) AS cancelled_orders,
    CASE WHEN COALESCE(frequency, 0) + COALESCE(cancelled_orders, 0) > 0
         THEN COALESCE(cancelled_orders, 0) / (COALESCE(frequency, 0) + COALESCE(cancelled_orders, 0)) END AS cancellation_rate,
    CAST(COALESCE(returns_count, 0) AS INTEGER) AS returns_count,
    COALESCE(returns_amount, 0) AS returns_amount,
    CASE WHEN gross_revenue > 0 THEN COALESCE(returns_amount, 0) / gross_revenue END AS return_rate,
    COALESCE(discount_total, 0) AS discount_total,
    discounted / frequency AS discount_share,
    CASE WHEN gross_revenue + discount_total > 0 THEN discount_total / (gross_revenue + discount_total) END AS discount_rate,
    days_between_orders,
    order_interval_cv,
    CASE WHEN frequency >= 2 THEN peak_n / frequency END AS seasonality,
    CAST(peak_month AS INTEGER) AS peak_month,
    CAST(COALESCE(events, 0) AS INTEGER) AS events,
    first_event_at,
    last_event_at,
    CAST(date_diff('day', CAST(greatest(last_event_at, last_order_at) AS DATE), DATE {AS_OF}) AS INTEGER) AS days_since_last_activity,
    CAST(COALESCE(sessions, 0) AS INTEGER) AS sessions,
    CAST(COALESCE(sessions_before_first_order, 0) AS INTEGER) AS sessions_before_first_order,
    CAST(COALESCE(page_views, 0) AS INTEGER) AS page_views,
    COALESCE(time_on_site_seconds, 0) AS time_on_site_seconds,
    CAST(COALESCE(product_views, 0) AS INTEGER) AS product_views,
    CAST(COALESCE(cart_adds, 0) AS INTEGER) AS cart_adds,
    CAST(COALESCE(wishlist_adds, 0) AS INTEGER) AS wishlist_adds,
    CAST(COALESCE(checkouts_started, 0) AS INTEGER) AS checkouts_started,
    CAST(COALESCE(email_opens, 0) AS INTEGER) AS email_opens,
    CAST(COALESCE(email_clicks, 0) AS INTEGER) AS email_clicks,
    CAST(COALESCE(signups, 0) AS INTEGER) AS signups,
    CAST(COALESCE(webinars_registered, 0) AS INTEGER) AS webinars_registered,
    CAST(COALESCE(webinars_attended, 0) AS INTEGER) AS webinars_attended,
    CAST(COALESCE(trials_started, 0) AS INTEGER) AS trials_started,
    CAST({SCORE} AS DOUBLE) AS engagement_score,
    CAST(COALESCE(tickets, 0) AS INTEGER) AS tickets,
    CAST(COALESCE(reviews, 0) AS INTEGER) AS reviews,
    review_score,
    CAST(COALESCE(answers, 0) AS INTEGER) AS survey_answers,
    CAST(COALESCE(touch_count, 0) AS INTEGER) AS touches,
    COALESCE(order_margin, 0) AS margin,
    COALESCE(margin_lost, 0) + COALESCE(returns_count, 0) * {PER_RETURN} AS returns_cost,
    COALESCE(acq, 0) AS acquisition_cost,
    COALESCE(direct_contact_cost, 0) + COALESCE(camp_amount, 0) + COALESCE(chan_amount, 0) AS contact_cost,
    COALESCE(tickets, 0) * {PER_TICKET} + COALESCE(support_extra, 0) AS support_cost
  FROM base es
)
SELECT f.contact_id, f.outcome, f.converted, f.first_seen_at, f.tenure_days, f.recency_days, f.frequency, f.monetary,
  f.gross_revenue, f.avg_order_value, f.first_order_at, f.last_order_at, f.decision_cycle_days, f.cancelled_orders,
  f.cancellation_rate, f.returns_count, f.returns_amount, f.return_rate, f.discount_total, f.discount_share,
  f.discount_rate, f.days_between_orders, f.order_interval_cv, f.seasonality, f.peak_month, f.events,
  f.first_event_at, f.last_event_at, f.days_since_last_activity, f.sessions, f.sessions_before_first_order,
  f.page_views, f.time_on_site_seconds, f.product_views, f.cart_adds, f.wishlist_adds, f.checkouts_started,
  f.email_opens, f.email_clicks, f.signups, f.webinars_registered, f.webinars_attended, f.trials_started,
  f.engagement_score, f.tickets, f.reviews, f.review_score, f.survey_answers, f.touches, f.margin,
  f.returns_cost,
  f.margin - f.returns_cost AS historic_value,
  f.acquisition_cost, f.contact_cost, f.support_cost,
  f.margin - f.returns_cost - f.acquisition_cost - f.contact_cost - f.support_cost AS profit,
  p.predicted_purchases, p.p_alive,
  CASE WHEN p.predicted_revenue IS NULL THEN f.margin - f.returns_cost
       ELSE p.predicted_revenue * COALESCE(f.margin / NULLIF(f.gross_revenue, 0), {RATE}) END AS predicted_clv,
  CASE WHEN p.predicted_revenue IS NULL THEN 'history' ELSE 'model' END AS clv_basis{TRAITS}
FROM f LEFT JOIN ct c USING (contact_id) LEFT JOIN clv_predictions p USING (contact_id)
ORDER BY f.contact_id`
