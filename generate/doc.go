// Package generate writes the synthetic shop that the antipersona demo and
// benchmarks run on: a mid-size online shop selling clothing basics,
// fashion, audio, yoga gear, home goods and gifts to contacts in Poland,
// Vietnam and Georgia, with two years of behaviour, orders, returns, costs,
// campaign touches and survey answers, and the ground truth of who is who.
//
// Shop generates it; Archetypes lists the kinds of people in it. The same
// Options.Seed and Options.Contacts always give byte-identical files: every
// contact draws from its own PCG source seeded with (seed, contact number),
// and contacts are written in order whatever the number of workers. Files
// are streamed; memory does not grow with the number of contacts (the only
// accumulators are the per-campaign daily spend and the counters).
//
// # Periods
//
// Period 1 runs from 2024-01-01 to 2025-06-30 and period 2 from 2025-07-01
// to 2025-12-31 (both inclusive, UTC). All contacts sign up in period 1
// (sign-ups grow over time); period 2 is the "later" on which predictions
// and re-evaluation are checked: build as of 2025-06-30, then as of
// 2025-12-31. periods.json holds the dates.
//
// # The people
//
// Each contact is drawn with one archetype. Positives (45 %):
//
//   - premium_considered (10 %): analytical professionals around 35
//     (programmers, engineers, managers), above-average income, often
//     married with children, music and technology, organic search, referral
//     and blog, desktop. Long decision cycle (45–300 days from sign-up to
//     the first order), many product views and long page views, sometimes a
//     webinar or a trial; then high-value audio orders (about 1,600 PLN).
//     About half have bought by the end of period 1; some buy later and a
//     quarter never do.
//   - loyal_regular (8.5 %): all ages, medium income, newsletter readers
//     (85 % subscribed, high open rate); an order every ~50 days at very
//     regular intervals, medium value (~330 PLN), few returns.
//   - seasonal_gift (9.5 %): parents and grandparents in their 40s–50s; buy
//     gifts between 15 November and 22 December, are reached by the
//     Christmas campaign, and are quiet the rest of the year.
//   - impulse (8 %): mid-20s, social and paid social, mobile app, fashion and
//     beauty; few short sessions and an order within two days of sign-up,
//     then irregularly. Half of them never buy.
//   - hidden_retirees (9 %): 60+ (mostly women, mostly retired) from
//     referrals, the shop (offline) and organic search; morning visits on
//     desktop or tablet, many orders in the shop itself; they buy
//     comfortable trousers and knitwear again and again, with high margin,
//     few returns and good reviews. This is the group the shop's declared
//     persona "young urban trend-setters" ignores.
//
// Negatives (50 %):
//
//   - mimic (13.5 %): "Natalia, 32, loves yoga": corporate employees around
//     32, mostly women, good income, yoga and travel, newsletter subscribers
//     who came through a webinar, office-hours sessions. Many sessions,
//     email opens and clicks, webinars, free trials, retargeting touches —
//     and never an order.
//   - student_researcher (10 %): students aged 19–25 from the blog, late-night desktop sessions, many product views and
//     long reads ("researching for my thesis"); about 5 % ever buy, once.
//   - cant_afford_fan (10 %): young, low income (shop assistants, students,
//     unemployed), social-media giveaways, mobile; wishlists, cart adds and abandoned
//     checkouts, almost never an order ("the price is too high for me").
//   - serial_returner (2.5 %): fashion buyers around 30, mostly women, who
//     came with an influencer's code; they
//     order every ~45 days, often several sizes, and return 50–80 % of the
//     revenue (refunded orders and partial returns), with return tickets.
//   - complainer (2.5 %): buyers of any background, first met on a
//     marketplace listing, with many support
//     tickets (delivery, quality, refunds), 1–2 star reviews, more
//     cancellations and returns; support costs eat their margin.
//   - bargain_only (3 %): families and price hunters from coupon sites,
//     newsletter readers;
//     they buy only in the sale windows, with 30–50 % discounts, so their
//     margin is negative.
//   - expensive_paid_lead (6.5 %): leads bought through lead-ad forms (some
//     through paid search and paid social) with an acquisition cost around
//     150 PLN (other paid leads 22–45 PLN); a
//     couple of short sessions and one small order at most (a quarter buy).
//   - fast_churner (2 %): signed up through the welcome-offer pop-up; one
//     order soon after, often with the welcome discount, then nothing.
//
// The rest (5 %) are casual: population-average traits, occasional visits,
// one in five orders now and then; one in five casual contacts (1 % of all)
// has no activity at all after sign-up. About 40 % of all contacts buy in
// period 1; there are about 50 events per contact.
//
// # Signals, overlap and noise
//
// Every archetype leaves signals both in the traits known at lead time
// (age, gender, occupation, income, education, household, interests, lead
// source, device, newsletter) and in behaviour (sessions, time of day, time
// on page, product views, cart and wishlist adds, email, webinars, trials,
// orders, discounts, returns, tickets, reviews, survey answers).
//
// The strongest lead-time signal is the lead source, as in real shops: each
// negative archetype mostly arrives through a source of its own — mimics
// through webinars, students through the blog, fans who cannot afford it
// through social-media giveaways, serial returners through influencer
// codes, complainers through marketplace listings, bargain hunters through
// coupon sites, expensive paid leads through lead-ad forms and fast
// churners through the welcome-offer pop-up. 90 % of an archetype's
// contacts are drawn with its source and the lead source is drawn from the
// population table with probability 0.05 (it is recorded by the shop's own
// tracking, not reported by the contact), so about 86 % carry it. Each of
// these sources also brings some positives (premium buyers come to
// webinars and read the blog, impulse buyers follow influencers and enter
// giveaways, loyal regulars find the shop on a marketplace, seasonal gift
// buyers use coupon sites and lead-ad forms), so 2–15 % of the contacts
// with a source are of another archetype and only a negative persona that
// is checked against behaviour tells the two apart. Every other trait
// gives no archetype away:
//
//   - each trait is drawn from the population distribution instead of the
//     archetype's with probability 0.25 (so some mimics are programmers,
//     some retirees come from paid search, some students are not students);
//   - the archetypes' own distributions overlap (premium buyers and mimics
//     both earn well and like travel; interests like travel, reading and
//     cooking are everywhere — pseudo-profiling);
//   - incomes are log-normal around an occupation's typical pay, scaled by
//     archetype and country (Vietnam 0.8, Georgia 0.85; all money is in PLN
//     equivalents);
//   - traits are missing (empty) at realistic rates: income 8 %, education
//     10 %, household 7 %, interests 6 %, occupation 5 %, age 3 %, phone 15 %;
//   - behaviour is random around the archetype's rates (Poisson sessions
//     with a sign-up burst, gamma-distributed gaps between orders), so some
//     positives never buy and some negatives look fine for a while;
//   - 20 % of open survey answers are about another archetype's theme.
//
// Some contacts browse anonymously before they sign up (anonymousId only);
// the identify call at sign-up carries both ids and joins them. Visitors who
// never sign up add anonymous-only events. Together these are about 6 % of
// events.
//
// # Period 2
//
// In period 2 a quarter of the cant_afford_fan and student_researcher
// contacts change: students graduate (new occupation, higher education,
// several times the income), fans get a better job (income ×1.8–3). From a
// day in July 2025 they behave and buy like loyal_regular or
// premium_considered (truth.csv: period2_archetype, period2_is_negative
// false); an identify call carries the new occupation and income, and
// contacts_period2.csv holds their new traits. 12 % of the positives lapse:
// within three weeks after period 1 they stop visiting, opening e-mail and
// buying (period2_archetype lapsed, negative). Everybody else goes on as in
// period 1; 2 % of them change a trait that does not matter (a move, a new
// household, a raise), which also shows in contacts_period2.csv.
//
// # Files
//
// All CSV files have a header row, comma separators, RFC 4180 quoting,
// UTF-8 and '\n' line ends. Timestamps are RFC 3339 in UTC
// (2024-03-05T10:21:07Z), dates YYYY-MM-DD, money in PLN with two decimals.
//
//   - contacts.csv: contact_id (C0000001), email, phone, first_name,
//     last_name, created_at, age, gender, city, occupation, income (monthly
//     gross), education, household, interests ('|'-separated), lead_source
//     (organic_search, paid_search, paid_social, social, blog, newsletter,
//     referral, webinar, offline, giveaway, influencer, marketplace,
//     coupon_site, lead_ads, welcome_offer), device, newsletter (yes/no). Emails use
//     example.com/.pl/.vn/.ge; phones are fake but well formed.
//   - contacts_period2.csv: the same columns, only for contacts whose traits
//     changed in period 2, with the new values.
//   - events.jsonl: Segment Spec calls (identify, track, page), one JSON
//     object per line with type, messageId (unique), userId and/or
//     anonymousId, timestamp, and event plus properties (track), name plus
//     properties (page: session_id, duration in seconds, path) or traits
//     (identify). Track events: Product Viewed, Product Added, Product Added
//     to Wishlist, Checkout Started, Email Opened, Email Link Clicked, Signed
//     Up, Trial Started, Webinar Registered, Webinar Attended, Ticket Created
//     (topic), Review Submitted (rating 1–5, order_id), and Order Completed
//     (order_id, revenue) for about 2 % of orders, which are also in
//     orders.csv: ingest must count them once.
//   - orders.csv: order_id, contact_id, timestamp, revenue (after discount),
//     margin, discount (0 when none), status (completed, cancelled,
//     refunded), channel (web, app, store, marketplace). A partial return is
//     a row <order_id>-R1 of the same contact, later, with negative revenue
//     and margin (lost margin plus 25 PLN handling), discount 0, status
//     completed. Cancelled and refunded orders keep the revenue and margin
//     they were placed with; the status says what happened.
//   - costs.csv: contact_id, campaign, channel, date, amount, kind.
//     Acquisition cost per paid lead (paid_search, paid_social and lead_ads;
//     contact_id set, kind acquisition),
//     support cost per ticket (contact_id set, channel support, kind
//     support), and daily spend per campaign (contact_id empty, kind
//     contact) of newsletter, webinar_promo, retargeting,
//     paid_social_prospecting, search_brand and xmas_gifts, written last.
//   - touches.csv: contact_id, campaign, channel, timestamp: whom each
//     campaign reached; the daily spend is the sum of these touches' costs.
//   - surveys.csv: contact_id, question_id (budget, main_goal,
//     satisfaction, why), question_text and answer in the contact's
//     language (en, pl, vi, ka), language, answered_at. About 20 % of
//     contacts answer.
//   - truth.csv: contact_id, archetype, is_negative, period2_archetype,
//     period2_is_negative.
//   - periods.json: period1_start, period1_end, period2_end.
//   - declared_personas.yaml: the persona the shop's team wrote ("young
//     urban trend-setters", DeclaredPersonas), to audit with
//     'antipersona audit --file'; its big_city condition is
//     pseudo-profiling by construction and it leaves out hidden_retirees.
package generate
