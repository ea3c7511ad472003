// Package featuretest is the hand fixture of the feature SQL: about ten
// contacts whose every feature was worked out by hand from the Definitions
// in features.List (not from the SQL). The expected values, with their
// arithmetic, are in package features' TestHandFixture.
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
//
// Package features tests its SQL against the values worked out by hand;
// the stores' tests build the same data in each store and compare.
package featuretest

import (
	"math"
	"time"

	"github.com/antipersona/antipersona"
)

var Traits = []antipersona.Trait{
	{Name: "Age", Ident: "age", Type: antipersona.TraitNumber, Dimension: antipersona.DimensionDemographic},
	{Name: "Plan", Ident: "plan", Type: antipersona.TraitCategory, Dimension: antipersona.DimensionBehavioural},
	// Personal data: never a feature column.
	{Name: "E-mail", Ident: "email_address", Type: antipersona.TraitIdentifier, Dimension: antipersona.DimensionOther, PII: true},
}

// At parses a UTC time written as "2006-01-02 15:04:05"; "" is the zero time.
func At(s string) time.Time {
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

func Batches() []*antipersona.Batch {
	yes, no := true, false
	traits := func(age float64, plan string) []antipersona.Value {
		v := []antipersona.Value{{Num: age}, {Str: plan}, {Str: "someone@example.com"}}
		if math.IsNaN(age) {
			v[0] = antipersona.Value{Missing: true}
		}
		return v
	}
	contacts := &antipersona.Batch{Kind: antipersona.KindContacts, Traits: Traits, Contacts: []antipersona.Contact{
		{ID: "a_traits", CreatedAt: At("2024-06-30 23:30:00"), Values: traits(34, "pro")},
		{ID: "b_traits", Outcome: &yes, Values: traits(nan, "free")},
		{ID: "c_buyer", CreatedAt: At("2023-12-01 00:00:00"), Values: traits(41, "pro")},
		{ID: "d_cancel", Outcome: &no, Values: traits(29, "free")},
		{ID: "f_engaged", CreatedAt: At("2024-03-01 08:00:00"), Values: traits(52, "trial")},
		{ID: "h_survey", CreatedAt: At("2024-02-15 09:00:00"), Values: traits(23, "free")},
		{ID: "y_late", CreatedAt: At("2024-07-10 00:00:00"), Values: traits(60, "pro")},
		{ID: "z_future", CreatedAt: At("2024-07-15 00:00:00"), Values: traits(18, "free")},
	}}

	ev := func(id, contact, anon string, typ antipersona.EventType, name, ts, session string, duration, rating float64) antipersona.Event {
		return antipersona.Event{MessageID: id, ContactID: contact, AnonymousID: anon, Type: typ, Name: name,
			Time: At(ts), SessionID: session, Duration: duration, Rating: rating, Properties: "{}"}
	}
	const (
		page     = antipersona.EventPage
		track    = antipersona.EventTrack
		identify = antipersona.EventIdentify
	)
	events := &antipersona.Batch{Kind: antipersona.KindEvents,
		Identities: []antipersona.Identity{{AnonymousID: "anon-e", ContactID: "e_anon", Time: At("2024-05-01 11:35:00")}},
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
		return antipersona.Order{OrderID: id, ContactID: contact, AnonymousID: anon, Time: At(ts), Revenue: revenue,
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
		return antipersona.Return{ReturnID: id, OrderID: orderID, ContactID: contact, AnonymousID: anon, Time: At(ts),
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
		return antipersona.Cost{RowKey: key, ContactID: contact, Campaign: campaign, Channel: channel, Time: At(ts),
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
		return antipersona.Touch{RowKey: key, ContactID: contact, Campaign: campaign, Channel: channel, Time: At(ts)}
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
		return antipersona.SurveyAnswer{RowKey: key, ContactID: contact, QuestionID: q, Answer: "yes", Language: "en", Time: At(ts)}
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

// row is one expected features row: column name to value (nil for NULL,
