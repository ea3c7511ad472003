package generate

import (
	"cmp"
	"math"
	"slices"
	"strconv"
)

// Event kinds.
const (
	evIdentify = iota
	evPage
	evProductViewed
	evProductAdded
	evWishlist
	evCheckoutStarted
	evOrderCompleted
	evEmailOpened
	evEmailClicked
	evSignedUp
	evTrialStarted
	evWebinarRegistered
	evWebinarAttended
	evTicketCreated
	evReviewSubmitted
)

var trackNames = [...]string{
	evProductViewed:     "Product Viewed",
	evProductAdded:      "Product Added",
	evWishlist:          "Product Added to Wishlist",
	evCheckoutStarted:   "Checkout Started",
	evOrderCompleted:    "Order Completed",
	evEmailOpened:       "Email Opened",
	evEmailClicked:      "Email Link Clicked",
	evSignedUp:          "Signed Up",
	evTrialStarted:      "Trial Started",
	evWebinarRegistered: "Webinar Registered",
	evWebinarAttended:   "Webinar Attended",
	evTicketCreated:     "Ticket Created",
	evReviewSubmitted:   "Review Submitted",
}

// Who an event is attributed to.
const (
	whoUser     = iota // userId only
	whoAnon            // the contact's anonymousId only (before sign-up)
	whoBoth            // both (the identify call that joins them)
	whoStranger        // a visitor who never signs up (st numbers them)
)

// Page kinds of the purchase funnel.
const (
	pageCart = iota + pageWebinars + 1
	pageCheckout
)

var pageNames = [...]string{"Home", "Category", "Product", "Blog", "Sale", "Webinars", "Cart", "Checkout"}

// event is one behavioural event before it is rendered as JSON.
type event struct {
	t    int64
	ord  int32 // generation order: ties in t keep it
	sess int32 // session number within the contact, -1 for none
	kind uint8
	who  uint8
	aux  uint8 // page kind; identify kind (0 sign-up, 1 period-2 update)
	st   uint8 // stranger number (whoStranger)
	a    int32 // product, category, slug, send, webinar, topic, rating or order number
	b    int64 // duration (s), price or value (cents), order number
}

// order is one purchase before its money and outcome are drawn.
type order struct {
	t       int64
	p       *profile
	channel string
	n       int
	items   [4]int32
	qty     [4]int8
	list    int64 // cents
}

// segment is a stretch of a contact's life lived as one archetype.
type segment struct {
	p        *profile
	from, to int64 // inclusive bounds (unix seconds)
	anchor   int64 // start of the decision cycle
}

func (w *worker) push(e event) {
	if e.t < period1Start || e.t > period2End {
		return
	}
	e.ord = int32(len(w.events))
	w.events = append(w.events, e)
}

// at returns a time on the contact's local calendar day dayStart (a UTC
// midnight standing for the local date) whose local hour follows the
// daypart profile dp. The result may fall on the previous UTC day.
func (w *worker) at(dayStart int64, dp int) int64 {
	h := int64(pickCum(w.g, dayparts[dp]))
	return dayStart + (h-w.p.country.offset)*3600 + int64(w.g.n(3600))
}

// timeIn returns a time x days after from (day resolution, hour from the
// daypart), kept within [from, to].
func (w *worker) timeIn(from, to int64, x float64, dp int) int64 {
	d := from + int64(x*day)
	t := w.at(floorDiv(d, day)*day, dp)
	if t < from {
		t = from + int64(w.g.n(900))
	}
	if t > to {
		t = to - int64(w.g.n(900))
	}
	return t
}

// touch records that campaign c reached the contact at t and adds its cost
// to the day's spend.
func (w *worker) touch(c int, t int64) {
	if t < period1Start || t > period2End {
		return
	}
	b := w.ch.bufs[outTouches]
	b = append(b, w.p.id...)
	b = append(b, ',')
	b = append(b, campaigns[c].name...)
	b = append(b, ',')
	b = append(b, campaigns[c].channel...)
	b = append(b, ',')
	b = appendTime(b, t)
	b = append(b, '\n')
	w.ch.bufs[outTouches] = b
	w.ch.stats.touches++
	cost := campaigns[c].cents * int64(80+w.g.n(41)) / 100
	w.spend[c*numDays+int((t-period1Start)/day)] += cost
}

// cost appends a per-contact costs.csv row.
func (w *worker) cost(campaign, channel string, t int64, cents int64, kind string) {
	b := w.ch.bufs[outCosts]
	b = append(b, w.p.id...)
	b = append(b, ',')
	b = append(b, campaign...)
	b = append(b, ',')
	b = append(b, channel...)
	b = append(b, ',')
	b = appendDate(b, t)
	b = append(b, ',')
	b = appendCents(b, cents)
	b = append(b, ',')
	b = append(b, kind...)
	b = append(b, '\n')
	w.ch.bufs[outCosts] = b
	w.ch.stats.costs++
}

func clampDur(x float64) int64 {
	return int64(max(3, min(1800, math.Round(x))))
}

// session generates one visit starting at t and returns the time it ends.
// When o is not nil the visit ends with the order's checkout.
func (w *worker) session(t int64, p *profile, who, st uint8, o *order) int64 {
	g := w.g
	s := w.nSess
	w.nSess++
	known := who == whoUser || who == whoBoth
	if known && g.chance(w.paidSearch) {
		w.touch(campSearchBrand, t)
	}
	n := g.geometric1(p.pages)
	if o != nil {
		n = g.n(3)
	}
	lastProd := int32(-1)
	for k := 0; k < n; k++ {
		kind := pickCum(g, p.pageMix)
		var a int32
		switch kind {
		case pageProduct:
			a = int32(pickProduct(g, pickCum(g, p.cats), p.priceSkew))
		case pageCategory:
			a = int32(pickCum(g, p.cats))
		case pageBlog:
			a = int32(g.n(len(blogSlugs)))
		}
		dur := clampDur(g.lognormal(p.dur, 0.8))
		w.push(event{t: t, sess: s, kind: evPage, who: who, st: st, aux: uint8(kind), a: a, b: dur})
		if kind == pageProduct {
			w.push(event{t: t + 1, sess: s, kind: evProductViewed, who: who, st: st, a: a})
			lastProd = a
		}
		t += dur + 1 + int64(g.n(4))
	}
	if o == nil {
		if g.chance(p.cart) {
			prod := lastProd
			if prod < 0 {
				prod = int32(pickProduct(g, pickCum(g, p.cats), p.priceSkew))
			}
			w.push(event{t: t, sess: s, kind: evProductAdded, who: who, st: st, a: prod})
			t += 5 + int64(g.n(60))
			if g.chance(p.abandon) {
				dur := clampDur(g.lognormal(30, 0.6))
				w.push(event{t: t, sess: s, kind: evPage, who: who, st: st, aux: pageCheckout, b: dur})
				w.push(event{t: t + 1, sess: s, kind: evCheckoutStarted, who: who, st: st, b: catalog[prod].price})
				t += dur
			}
			if known && g.chance(0.6) {
				for k := g.rangeInt(1, 3); k > 0; k-- {
					w.touch(campRetargeting, t+int64(g.between(0.5, 5)*day))
				}
			}
		}
		if g.chance(p.wish) {
			prod := lastProd
			if prod < 0 || g.chance(0.3) {
				prod = int32(pickProduct(g, pickCum(g, p.cats), p.priceSkew))
			}
			w.push(event{t: t, sess: s, kind: evWishlist, who: who, st: st, a: prod})
			t += 3
		}
		return t
	}
	// purchase funnel
	for k := 0; k < o.n; k++ {
		prod := o.items[k]
		dur := clampDur(g.lognormal(p.dur, 0.6))
		w.push(event{t: t, sess: s, kind: evPage, who: who, st: st, aux: pageProduct, a: prod, b: dur})
		w.push(event{t: t + 1, sess: s, kind: evProductViewed, who: who, st: st, a: prod})
		t += dur
		w.push(event{t: t, sess: s, kind: evProductAdded, who: who, st: st, a: prod})
		t += 2 + int64(g.n(20))
	}
	dur := clampDur(g.lognormal(60, 0.5))
	w.push(event{t: t, sess: s, kind: evPage, who: who, st: st, aux: pageCheckout, b: dur})
	w.push(event{t: t + 1, sess: s, kind: evCheckoutStarted, who: who, st: st, b: o.list})
	return t + dur
}

// browse generates the visits of one segment: a Poisson number of sessions
// whose rate starts at p.sessions per 30 days and decays towards p.floor of
// that with an e-folding time of p.decay days.
func (w *worker) browse(sg segment) {
	p := sg.p
	if p.sessions <= 0 || sg.to <= sg.from {
		return
	}
	g := w.g
	L := float64(sg.to-sg.from) / day
	r0 := p.sessions / 30
	tau := p.decay
	e := 1 - math.Exp(-L/tau)
	A := (1 - p.floor) * tau * e
	B := p.floor * L
	n := min(g.poisson(r0*(A+B)), 600)
	for range n {
		var x float64
		if g.f()*(A+B) < A {
			x = -tau * math.Log(1-g.f()*e)
		} else {
			x = g.f() * L
		}
		t := w.timeIn(sg.from, sg.to, x, p.daypart)
		w.session(t, p, whoUser, 0, nil)
	}
}

// plan schedules the orders of one segment.
func (w *worker) plan(sg segment) {
	p := sg.p
	g := w.g
	if p.buy <= 0 || !g.chance(p.buy) {
		// a seasonal or bargain non-buyer still shops now and then by chance
		return
	}
	last := sg.to - day // keep the whole purchase inside the segment
	switch p.plan {
	case planRegular:
		x := g.between(p.firstMin, p.firstMax)
		t := sg.anchor + int64(x*day)
		for k := 0; k < p.maxOrders && t < last; k++ {
			if t >= sg.from {
				w.addOrder(p, t, sg)
			}
			gap := max(1, g.gamma(p.shape, p.interval/p.shape))
			t += int64(gap * day)
		}
	case planSeasonal:
		for _, s := range giftSeasons {
			if !g.chance(0.8) {
				continue
			}
			for k := 1 + boolInt(g.chance(0.35)); k > 0; k-- {
				t := s.from + int64(g.f()*float64(s.to-s.from))
				if t > sg.from && t < last {
					w.addOrder(p, t, sg)
				}
			}
		}
		// an occasional purchase outside the season
		if g.chance(0.15) {
			t := sg.from + int64(g.f()*float64(last-sg.from))
			if t < last {
				w.addOrder(p, t, sg)
			}
		}
	case planSales:
		for _, s := range saleWindows {
			if !g.chance(0.6) {
				continue
			}
			for k := 1 + boolInt(g.chance(0.3)); k > 0; k-- {
				t := s.from + int64(g.f()*float64(s.to-s.from))
				if t > sg.from && t < last {
					w.addOrder(p, t, sg)
				}
			}
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// addOrder draws the basket and channel of an order around t and generates
// the visit that leads to it (web and app orders).
func (w *worker) addOrder(p *profile, t int64, sg segment) {
	g := w.g
	o := order{p: p, channel: p.channel.pick(g)}
	o.n = min(4, 1+g.poisson(p.extraItems))
	for k := 0; k < o.n; k++ {
		cat := pickCum(g, p.cats)
		o.items[k] = int32(pickProduct(g, cat, p.priceSkew))
		o.qty[k] = 1
		if categories[cat].sizeable && g.chance(p.multiQty) {
			o.qty[k] = int8(g.rangeInt(2, 3))
		}
		o.list += catalog[o.items[k]].price * int64(o.qty[k])
	}
	dayStart := floorDiv(t, day) * day
	var start int64
	if o.channel == "store" {
		start = dayStart + (int64(g.rangeInt(9, 18))-w.p.country.offset)*3600 + int64(g.n(3600))
	} else {
		start = w.at(dayStart, p.daypart)
	}
	if start < sg.from {
		start = sg.from + 60 + int64(g.n(3600))
	}
	if start > sg.to-3600 {
		return
	}
	o.t = start
	if o.channel == "web" || o.channel == "app" {
		o.t = w.session(start, p, whoUser, 0, &o)
	}
	if o.t > period2End {
		return
	}
	w.orders = append(w.orders, o)
}

// settle sorts the orders, numbers them and writes them (with returns,
// reviews, tickets and the occasional duplicate Order Completed event).
func (w *worker) settle() {
	g := w.g
	slices.SortStableFunc(w.orders, func(a, b order) int { return cmp.Compare(a.t, b.t) })
	for k := range w.orders {
		o := &w.orders[k]
		p := o.p
		seq := int64(k + 1)
		sale := inSale(o.t)
		var disc int64
		switch {
		case g.chance(p.discount):
			disc = int64(float64(o.list) * g.between(p.discMin, p.discMax))
		case sale && g.chance(0.35):
			disc = int64(float64(o.list) * g.between(0.15, 0.3))
		}
		rev := o.list - disc
		var goods float64
		for j := 0; j < o.n; j++ {
			pr := catalog[o.items[j]]
			goods += float64(pr.price*int64(o.qty[j])) * categories[pr.cat].margin
		}
		margin := int64(goods) - disc
		switch o.channel {
		case "web", "app":
			margin -= 800
		case "marketplace":
			margin -= 800 + rev*12/100
		}
		status := "completed"
		u := g.f()
		switch {
		case u < p.cancel:
			status = "cancelled"
		case u < p.cancel+p.refund:
			status = "refunded"
		}
		w.orderRow(seq, "", o.t, rev, margin, disc, status, o.channel)

		returned := status == "refunded"
		if status == "completed" && g.chance(p.partial) {
			frac := g.between(p.partMin, p.partMax)
			rt := o.t + int64(g.between(3, 25)*day)
			if rt <= period2End {
				rrev := int64(math.Round(float64(rev) * frac))
				// the margin lost on the returned part (never a gain) plus handling
				rmargin := int64(math.Round(float64(max(0, margin+800))*frac)) + returnHandling
				w.orderRow(seq, "-R1", rt, -rrev, -rmargin, 0, "completed", o.channel)
				w.ch.stats.returns++
				returned = true
			}
		}
		if status == "completed" && (o.channel == "web" || o.channel == "app") && g.chance(0.02) {
			w.push(event{t: o.t, sess: -1, kind: evOrderCompleted, who: whoUser, a: int32(seq), b: rev})
		}
		if status == "completed" && g.chance(p.review) {
			r := pickCum(g, p.ratings) + 1
			if returned && r > 1 {
				r--
			}
			w.push(event{t: o.t + int64(g.between(3, 20)*day), sess: -1, kind: evReviewSubmitted, who: whoUser, a: int32(r), b: seq})
		}
		nt := g.poisson(p.ticketsPerOrder)
		if returned && g.chance(0.3) {
			nt++
		}
		for range nt {
			topic := pickCum(g, p.topics)
			if returned && g.chance(0.5) {
				topic = topicReturn
			}
			w.ticket(o.t+int64(g.between(1, 14)*day), topic)
		}
	}
}

func (w *worker) ticket(t int64, topic int) {
	if t > period2End {
		return
	}
	w.push(event{t: t, sess: -1, kind: evTicketCreated, who: whoUser, a: int32(topic)})
	w.cost("", "support", t, int64(math.Round(w.g.lognormal(1800, 0.3))), "support")
}

func appendOrderID(dst []byte, contact int64, seq int64) []byte {
	dst = append(dst, "ORD-"...)
	dst = appendPadded(dst, contact, 7)
	dst = append(dst, '-')
	return appendPadded(dst, seq, 3)
}

func (w *worker) orderRow(seq int64, suffix string, t, rev, margin, disc int64, status, channel string) {
	b := w.ch.bufs[outOrders]
	b = appendOrderID(b, w.index, seq)
	b = append(b, suffix...)
	b = append(b, ',')
	b = append(b, w.p.id...)
	b = append(b, ',')
	b = appendTime(b, t)
	b = append(b, ',')
	b = appendCents(b, rev)
	b = append(b, ',')
	b = appendCents(b, margin)
	b = append(b, ',')
	b = appendCents(b, disc)
	b = append(b, ',')
	b = append(b, status...)
	b = append(b, ',')
	b = append(b, channel...)
	b = append(b, '\n')
	w.ch.bufs[outOrders] = b
	if suffix == "" {
		w.ch.stats.orders++
	}
}

// profileAt is the archetype the contact lives as at time t (for the
// newsletter, webinars and campaigns that span both periods).
func (w *worker) profileAt(t int64) *profile {
	switch {
	case w.lapseAt > 0 && t >= w.lapseAt:
		return profLapsed
	case w.changeAt > 0 && t >= w.changeAt:
		return w.a2
	}
	return w.a1
}

// engage generates newsletter, webinar, trial and campaign activity over the
// contact's whole life.
func (w *worker) engage() {
	g := w.g
	p := &w.p
	created := p.created
	if p.subscribed {
		for k, t := range newsletterSends {
			if t <= created {
				continue
			}
			w.touch(campNewsletter, t)
			pr := w.profileAt(t)
			if !g.chance(pr.open) {
				continue
			}
			ot := t + int64(min(3*day, g.lognormal(3*3600, 1.2)))
			w.push(event{t: ot, sess: -1, kind: evEmailOpened, who: whoUser, a: int32(k)})
			if g.chance(pr.click) {
				ct := ot + int64(g.rangeInt(20, 600))
				w.push(event{t: ct, sess: -1, kind: evEmailClicked, who: whoUser, a: int32(k)})
				if pr.sessions > 0 && g.chance(0.6) {
					w.session(ct+5, pr, whoUser, 0, nil)
				}
			}
		}
	}
	leadWebinar := p.src == "webinar"
	for k, t := range webinarTimes {
		if t <= created+day {
			continue
		}
		pr := w.profileAt(t)
		registered := false
		if leadWebinar {
			// signed up through a webinar registration
			leadWebinar = false
			w.push(event{t: created + 60, sess: -1, kind: evWebinarRegistered, who: whoUser, a: int32(k)})
			registered = true
		} else {
			reach := 0.1
			if p.subscribed {
				reach = 0.35
			}
			if !g.chance(reach) {
				continue
			}
			tt := t - int64(g.between(2, 10)*day)
			if tt <= created {
				continue
			}
			w.touch(campWebinarPromo, tt)
			if !g.chance(pr.webinar) {
				continue
			}
			w.push(event{t: tt + int64(g.between(0, 1.5)*day), sess: -1, kind: evWebinarRegistered, who: whoUser, a: int32(k)})
			registered = true
		}
		if registered && g.chance(pr.attend) {
			w.push(event{t: t + int64(g.n(600)), sess: -1, kind: evWebinarAttended, who: whoUser, a: int32(k)})
		}
	}
	if g.chance(w.a1.trial) {
		end := w.segs[0].to
		t := w.timeIn(created, end, g.between(0, 60), w.a1.daypart)
		if t > created {
			w.push(event{t: t, sess: -1, kind: evTrialStarted, who: whoUser})
		}
	}
	for _, sg := range w.segs {
		months := float64(sg.to-sg.from) / (30 * day)
		for k := g.poisson(sg.p.socialReach * months); k > 0; k-- {
			w.touch(campProspecting, sg.from+int64(g.f()*float64(sg.to-sg.from)))
		}
		for k := g.poisson(sg.p.ticketsPerMonth * months); k > 0; k-- {
			w.ticket(sg.from+int64(g.f()*float64(sg.to-sg.from)), pickCum(g, sg.p.topics))
		}
	}
	for _, c := range xmasCampaigns {
		if c.from <= created {
			continue
		}
		pr := w.profileAt(c.from)
		reach := pr.xmasReach
		if p.household == "family_with_children" {
			reach = max(reach, 0.5)
		}
		if !g.chance(reach) {
			continue
		}
		for k := g.rangeInt(1, 3); k > 0; k-- {
			w.touch(campXmas, c.from+int64(g.f()*float64(c.to-c.from)))
		}
	}
}

// strangers adds visitors who never sign up (anonymous-only events that
// ingest cannot attach to a contact).
func (w *worker) strangers() {
	g := w.g
	if !g.chance(0.12) {
		return
	}
	for s := range g.rangeInt(1, 2) {
		for k := g.rangeInt(1, 2); k > 0; k-- {
			t := period1Start + int64(g.f()*float64(period2End-period1Start-day))
			w.session(t, profCasual, whoStranger, uint8(s+1), nil)
		}
	}
}

// writeEvents sorts the contact's events by time and renders them.
func (w *worker) writeEvents() {
	slices.SortFunc(w.events, func(a, b event) int {
		if c := cmp.Compare(a.t, b.t); c != 0 {
			return c
		}
		return cmp.Compare(a.ord, b.ord)
	})
	b := w.ch.bufs[outEvents]
	for k := range w.events {
		b = w.appendEvent(b, &w.events[k], uint64(k))
	}
	w.ch.bufs[outEvents] = b
	w.ch.stats.events += int64(len(w.events))
}

func (w *worker) appendEvent(b []byte, e *event, k uint64) []byte {
	idx := uint64(w.index)
	switch e.kind {
	case evIdentify:
		b = append(b, `{"type":"identify","messageId":"`...)
	case evPage:
		b = append(b, `{"type":"page","messageId":"`...)
	default:
		b = append(b, `{"type":"track","messageId":"`...)
	}
	b = appendHex64(b, mix64(w.keyMsg^(idx<<24|k)))
	switch e.who {
	case whoUser:
		b = append(b, `","userId":"`...)
		b = append(b, w.p.id...)
	case whoAnon:
		b = append(b, `","anonymousId":"`...)
		b = append(b, w.anonID...)
	case whoBoth:
		b = append(b, `","userId":"`...)
		b = append(b, w.p.id...)
		b = append(b, `","anonymousId":"`...)
		b = append(b, w.anonID...)
	default:
		b = append(b, `","anonymousId":"`...)
		x := idx<<8 | uint64(e.st)
		b = appendUUID(b, mix64(w.keyAnon^x), mix64(w.keyAnon2^x))
	}
	b = append(b, `","timestamp":"`...)
	b = appendTime(b, e.t)
	switch e.kind {
	case evIdentify:
		b = append(b, `","traits":{`...)
		if e.aux == 0 {
			b = append(b, `"email":`...)
			b = appendJSONString(b, string(w.p.email))
			b = append(b, `,"created_at":"`...)
			b = appendDate(b, w.p.created)
			b = append(b, '"')
		} else {
			b = append(b, `"occupation":`...)
			b = appendJSONString(b, w.p.occ)
			b = append(b, `,"income":`...)
			b = strconv.AppendInt(b, w.p.inc, 10)
		}
		return append(b, "}}\n"...)
	case evPage:
		b = append(b, `","name":"`...)
		b = append(b, pageNames[e.aux]...)
		b = append(b, `","properties":{"session_id":"`...)
		b = w.appendSession(b, e.sess)
		b = append(b, `","duration":`...)
		b = strconv.AppendInt(b, e.b, 10)
		b = append(b, `,"path":"`...)
		switch e.aux {
		case pageHome:
			b = append(b, '/')
		case pageCategory:
			b = append(b, "/c/"...)
			b = append(b, categoryNames[e.a]...)
		case pageProduct:
			b = append(b, catalog[e.a].path...)
		case pageBlog:
			b = append(b, "/blog/"...)
			b = append(b, blogSlugs[e.a]...)
		case pageSale:
			b = append(b, "/sale"...)
		case pageWebinars:
			b = append(b, "/webinars"...)
		case pageCart:
			b = append(b, "/cart"...)
		case pageCheckout:
			b = append(b, "/checkout"...)
		}
		return append(b, "\"}}\n"...)
	}
	b = append(b, `","event":"`...)
	b = append(b, trackNames[e.kind]...)
	b = append(b, `","properties":{`...)
	switch e.kind {
	case evProductViewed, evProductAdded, evWishlist:
		pr := &catalog[e.a]
		b = append(b, `"session_id":"`...)
		b = w.appendSession(b, e.sess)
		b = append(b, `","product_id":"`...)
		b = append(b, pr.id...)
		b = append(b, `","category":"`...)
		b = append(b, categoryNames[pr.cat]...)
		b = append(b, `","price":`...)
		b = appendCents(b, pr.price)
	case evCheckoutStarted:
		b = append(b, `"session_id":"`...)
		b = w.appendSession(b, e.sess)
		b = append(b, `","value":`...)
		b = appendCents(b, e.b)
		b = append(b, `,"currency":"PLN"`...)
	case evOrderCompleted:
		b = append(b, `"order_id":"`...)
		b = appendOrderID(b, w.index, int64(e.a))
		b = append(b, `","revenue":`...)
		b = appendCents(b, e.b)
		b = append(b, `,"currency":"PLN"`...)
	case evEmailOpened, evEmailClicked:
		b = append(b, `"campaign":"newsletter","email_id":"`...)
		b = append(b, newsletterIDs[e.a]...)
		b = append(b, '"')
	case evSignedUp:
		b = append(b, `"method":"`...)
		b = append(b, signupMethods.vals[e.a]...)
		b = append(b, '"')
	case evTrialStarted:
		b = append(b, `"plan":"plus","trial_days":30`...)
	case evWebinarRegistered, evWebinarAttended:
		b = append(b, `"webinar_id":"`...)
		b = append(b, webinarIDs[e.a]...)
		b = append(b, `","title":`...)
		b = appendJSONString(b, webinarTopics[int(e.a)%len(webinarTopics)])
	case evTicketCreated:
		b = append(b, `"topic":"`...)
		b = append(b, ticketTopics[e.a]...)
		b = append(b, '"')
	case evReviewSubmitted:
		b = append(b, `"rating":`...)
		b = strconv.AppendInt(b, int64(e.a), 10)
		b = append(b, `,"order_id":"`...)
		b = appendOrderID(b, w.index, e.b)
		b = append(b, '"')
	}
	return append(b, "}}\n"...)
}

// appendSession appends the session id of session s: unique across the
// file (a bijective mix of contact and session numbers), not revealing the
// contact.
func (w *worker) appendSession(b []byte, s int32) []byte {
	b = append(b, 's')
	return appendHex64(b, mix64(w.keySess^(uint64(w.index)<<24|uint64(s))))
}
