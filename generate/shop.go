package generate

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"

	"github.com/antipersona/antipersona"
)

// Options configures Shop.
type Options struct {
	Contacts int    // number of contacts; must be > 0
	Seed     uint64 // the same seed (and Contacts) gives byte-identical files
	Out      string // output directory, created if missing; existing files are overwritten
	// Progress, if not nil, is called with the number of contacts written so
	// far, about every 1,000 contacts and once at the end. It is called from
	// the goroutine that called Shop, never concurrently.
	Progress func(done int)
}

// Summary counts what Shop wrote.
type Summary struct {
	Contacts      int64 // rows of contacts.csv
	Events        int64 // lines of events.jsonl
	Orders        int64 // order rows of orders.csv (completed, cancelled and refunded)
	Returns       int64 // partial-return rows of orders.csv (order_id ending in -R1)
	Costs         int64 // rows of costs.csv
	Touches       int64 // rows of touches.csv
	SurveyAnswers int64 // rows of surveys.csv
	// ByArchetype counts contacts by their period-1 archetype.
	ByArchetype map[string]int64
	// Period1End and Period2End are the inclusive last days of the periods
	// (YYYY-MM-DD), the dates to pass to `antipersona build --as-of`.
	Period1End, Period2End string
}

// Output files, in the order of the chunk buffers.
const (
	outContacts = iota
	outContacts2
	outEvents
	outOrders
	outCosts
	outTouches
	outSurveys
	outTruth
	numOut
)

var outFiles = [numOut]string{
	"contacts.csv", "contacts_period2.csv", "events.jsonl", "orders.csv",
	"costs.csv", "touches.csv", "surveys.csv", "truth.csv",
}

var outHeaders = [numOut]string{
	contactsHeader,
	contactsHeader,
	"",
	"order_id,contact_id,timestamp,revenue,margin,discount,status,channel\n",
	"contact_id,campaign,channel,date,amount,kind\n",
	"contact_id,campaign,channel,timestamp\n",
	"contact_id,question_id,question_text,answer,language,answered_at\n",
	"contact_id,archetype,is_negative,period2_archetype,period2_is_negative\n",
}

const chunkSize = 256 // contacts per unit of work

type stats struct {
	events, orders, returns, costs, touches, surveys int64
	byArch                                           [16]int64
}

func (s *stats) add(o *stats) {
	s.events += o.events
	s.orders += o.orders
	s.returns += o.returns
	s.costs += o.costs
	s.touches += o.touches
	s.surveys += o.surveys
	for i := range s.byArch {
		s.byArch[i] += o.byArch[i]
	}
}

// chunk is the output of contacts [first, first+n), rendered into one
// buffer per file; chunks are written in order.
type chunk struct {
	seq   int
	first int64
	n     int64
	bufs  [numOut][]byte
	stats stats
}

func (c *chunk) reset() {
	for i := range c.bufs {
		c.bufs[i] = c.bufs[i][:0]
	}
	c.stats = stats{}
}

// worker generates contacts; it owns its random source and scratch space.
type worker struct {
	seed                               uint64
	keyMsg, keySess, keyAnon, keyAnon2 uint64
	g                                  *rng
	ch                                 *chunk
	spend                              []int64 // cents by campaign*numDays + day

	index      int64
	p          person
	a1, a2     *profile
	changeAt   int64 // period-2 change of an improver (0 if none)
	lapseAt    int64 // time a lapsed positive stops (0 if none)
	segs       []segment
	events     []event
	orders     []order
	nSess      int32
	paidSearch float64
	anonID     []byte
	scratch    [32]byte
}

func newWorker(seed uint64) *worker {
	return &worker{
		seed:     seed,
		keyMsg:   mix64(seed ^ 0x243f6a8885a308d3),
		keySess:  mix64(seed ^ 0x13198a2e03707344),
		keyAnon:  mix64(seed ^ 0xa4093822299f31d0),
		keyAnon2: mix64(seed ^ 0x082efa98ec4e6c89),
		g:        newRNG(),
		spend:    make([]int64, numCampaigns*numDays),
	}
}

// Shop generates the synthetic shop into opt.Out: contacts.csv,
// contacts_period2.csv, events.jsonl, orders.csv, costs.csv, touches.csv,
// surveys.csv, truth.csv and periods.json (see the package documentation
// for their columns).
//
// Output depends only on opt.Contacts and opt.Seed: every contact draws from
// its own random source seeded with (Seed, contact number), and contacts are
// written in order whatever the number of workers. Memory does not grow with
// the number of contacts.
//
// Shop returns an *antipersona.Error with code EINVALID for bad options, an
// error wrapping antipersona.ErrCanceled when ctx is cancelled, and wrapped
// I/O errors otherwise. Files already written are left in place on error.
func Shop(ctx context.Context, opt Options) (Summary, error) {
	if opt.Contacts <= 0 {
		return Summary{}, antipersona.Errorf(antipersona.EINVALID, "contacts must be positive, got %d", opt.Contacts)
	}
	if opt.Out == "" {
		return Summary{}, antipersona.Errorf(antipersona.EINVALID, "output directory is required")
	}
	if err := os.MkdirAll(opt.Out, 0o755); err != nil {
		return Summary{}, fmt.Errorf("create output directory: %w", err)
	}
	if err := writePeriods(filepath.Join(opt.Out, "periods.json")); err != nil {
		return Summary{}, err
	}
	if err := os.WriteFile(filepath.Join(opt.Out, DeclaredFile), []byte(DeclaredPersonas), 0o644); err != nil {
		return Summary{}, fmt.Errorf("write %s: %w", DeclaredFile, err)
	}

	var files [numOut]*os.File
	var ws [numOut]*bufio.Writer
	closeAll := func() {
		for _, f := range files {
			if f != nil {
				f.Close()
			}
		}
	}
	for i, name := range outFiles {
		f, err := os.Create(filepath.Join(opt.Out, name))
		if err != nil {
			closeAll()
			return Summary{}, fmt.Errorf("create %s: %w", name, err)
		}
		files[i] = f
		ws[i] = bufio.NewWriterSize(f, 1<<20)
		ws[i].WriteString(outHeaders[i]) // a write error sticks and comes back from Flush
	}

	st, spend, err := run(ctx, opt, ws)
	if err == nil {
		err = writeSpend(ws[outCosts], spend)
		st.costs += int64(countSpendRows(spend))
	}
	for i, w := range ws {
		if ferr := w.Flush(); ferr != nil && err == nil {
			err = fmt.Errorf("write %s: %w", outFiles[i], ferr)
		}
		if cerr := files[i].Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close %s: %w", outFiles[i], cerr)
		}
	}
	if err != nil {
		return Summary{}, err
	}
	sum := Summary{
		Contacts:      int64(opt.Contacts),
		Events:        st.events,
		Orders:        st.orders,
		Returns:       st.returns,
		Costs:         st.costs,
		Touches:       st.touches,
		SurveyAnswers: st.surveys,
		ByArchetype:   make(map[string]int64),
		Period1End:    Period1End,
		Period2End:    Period2End,
	}
	for i, p := range profiles {
		if st.byArch[i] > 0 {
			sum.ByArchetype[p.Name] = st.byArch[i]
		}
	}
	return sum, nil
}

// run generates all contacts with one worker per CPU and writes the chunks
// in order. It returns the totals and the merged campaign spend.
func run(ctx context.Context, opt Options, ws [numOut]*bufio.Writer) (stats, []int64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	n := int64(opt.Contacts)
	nChunks := int((n + chunkSize - 1) / chunkSize)
	nWorkers := max(1, min(runtime.GOMAXPROCS(0), 8, nChunks))
	inFlight := 2*nWorkers + 2

	free := make(chan *chunk, inFlight)
	for range inFlight {
		free <- &chunk{}
	}
	jobs := make(chan *chunk)
	done := make(chan *chunk, inFlight)

	go func() {
		defer close(jobs)
		for k := range nChunks {
			var c *chunk
			select {
			case c = <-free:
			case <-ctx.Done():
				return
			}
			c.reset()
			c.seq = k
			c.first = int64(k)*chunkSize + 1
			c.n = min(chunkSize, n-int64(k)*chunkSize)
			select {
			case jobs <- c:
			case <-ctx.Done():
				return
			}
		}
	}()

	workers := make([]*worker, nWorkers)
	var wg sync.WaitGroup
	for i := range workers {
		w := newWorker(opt.Seed)
		workers[i] = w
		wg.Go(func() {
			for c := range jobs {
				if ctx.Err() == nil {
					w.ch = c
					for j := range c.n {
						w.contact(c.first + j)
					}
				}
				done <- c
			}
		})
	}

	var total stats
	var err error
	pending := make(map[int]*chunk)
	next, written, reported := 0, int64(0), int64(0)
loop:
	for next < nChunks {
		select {
		case c := <-done:
			pending[c.seq] = c
		case <-ctx.Done():
			err = ctx.Err()
			break loop
		}
		for c := pending[next]; c != nil; c = pending[next] {
			delete(pending, next)
			for i, b := range c.bufs {
				if _, werr := ws[i].Write(b); werr != nil {
					err = fmt.Errorf("write %s: %w", outFiles[i], werr)
					break loop
				}
			}
			total.add(&c.stats)
			written += c.n
			next++
			free <- c
			if opt.Progress != nil && (written/1000 > reported/1000 || written == n) {
				reported = written
				opt.Progress(int(written))
			}
		}
	}
	if err == nil {
		// workers skip the contacts of chunks handed out after a cancellation
		err = ctx.Err()
	}
	cancel()
	wg.Wait()
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return stats{}, nil, fmt.Errorf("generate shop: %w (%w)", antipersona.ErrCanceled, err)
		}
		return stats{}, nil, err
	}
	spend := workers[0].spend
	for _, w := range workers[1:] {
		for i, v := range w.spend {
			spend[i] += v
		}
	}
	return total, spend, nil
}

// DeclaredFile is the file in which the shop declares its own persona.
const DeclaredFile = "declared_personas.yaml"

// DeclaredPersonas is the persona the shop's marketing team wrote, as a
// declared_personas list for antipersona.yaml or 'antipersona audit
// --file': the "young urban trend-setters" a boutique imagines. Planted in
// it: big_city is pseudo-profiling by construction (a contact's city is
// drawn from the country's cities whatever the archetype), and the
// persona's age limit leaves out hidden_retirees, the shop's most
// profitable group.
const DeclaredPersonas = `declared_personas:
  - name: Young urban trend-setters
    description: >-
      The shop's own persona: young people from the big cities who follow
      fashion and beauty and shop on their phones.
    conditions:
      young: age >= 18 && age <= 35
      big_city: city in ["Warszawa", "Kraków", "TP Hồ Chí Minh", "Hà Nội", "Tbilisi", "თბილისი"]
      trendy: '"fashion" in interests || "beauty" in interests'
      mobile: device == "mobile"
`

func writePeriods(path string) error {
	s := `{"period1_start": "` + Period1Start + `", "period1_end": "` + Period1End +
		`", "period2_end": "` + Period2End + `"}` + "\n"
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		return fmt.Errorf("write periods.json: %w", err)
	}
	return nil
}

func countSpendRows(spend []int64) int {
	n := 0
	for _, v := range spend {
		if v != 0 {
			n++
		}
	}
	return n
}

// writeSpend appends the campaign spend rows (contact_id empty, kind
// contact), one per campaign and day with spend, ordered by campaign and day.
func writeSpend(w *bufio.Writer, spend []int64) error {
	var b []byte
	for c := range numCampaigns {
		for d := range numDays {
			v := spend[c*numDays+d]
			if v == 0 {
				continue
			}
			b = append(b, ',')
			b = append(b, campaigns[c].name...)
			b = append(b, ',')
			b = append(b, campaigns[c].channel...)
			b = append(b, ',')
			b = appendDate(b, period1Start+int64(d)*day)
			b = append(b, ',')
			b = appendCents(b, v)
			b = append(b, ",contact\n"...)
		}
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("write costs.csv: %w", err)
	}
	return nil
}

// contact generates everything about contact i (1-based) into w.ch.
func (w *worker) contact(i int64) {
	g := w.g
	g.seed(w.seed, uint64(i))
	w.index = i
	w.events = w.events[:0]
	w.orders = w.orders[:0]
	w.segs = w.segs[:0]
	w.nSess = 0
	w.changeAt, w.lapseAt = 0, 0

	a1 := profiles[pickCum(g, archetypeCum)]
	w.a1, w.a2 = a1, a1
	w.makePerson(i, a1)
	p := &w.p
	ch := w.ch
	ch.stats.byArch[a1.id]++

	p.created = w.at(period1Start+int64(signupDay(g))*day, a1.daypart)
	if p.created < period1Start {
		p.created = period1Start + int64(g.n(3600))
	}
	ch.bufs[outContacts] = appendContact(ch.bufs[outContacts], p)

	if a1 == profCasual && g.chance(silentShare) {
		w.truth()
		return
	}

	// what happens in period 2
	switch {
	case (a1 == profStudent || a1 == profCantAff) && g.chance(improverShare):
		if a1 == profStudent && g.chance(0.5) || a1 == profCantAff && g.chance(0.3) {
			w.a2 = profPremium
		} else {
			w.a2 = profLoyal
		}
		w.changeAt = period2Start + int64(g.n(30))*day + int64(g.n(day))
	case !a1.Negative && a1 != profCasual && g.chance(lapseShare):
		w.a2 = profLapsed
		w.lapseAt = period2Start + int64(g.n(21))*day + int64(g.n(day))
	}
	noise := w.changeAt == 0 && g.chance(noiseChange)
	switch {
	case w.changeAt > 0:
		w.segs = append(w.segs,
			segment{p: a1, from: p.created, to: period1End, anchor: p.created},
			segment{p: w.a2, from: w.changeAt, to: period2End, anchor: w.changeAt})
	case w.lapseAt > 0:
		w.segs = append(w.segs, segment{p: a1, from: p.created, to: w.lapseAt, anchor: p.created})
	default:
		w.segs = append(w.segs, segment{p: a1, from: p.created, to: period2End, anchor: p.created})
	}
	w.paidSearch = a1.paidSearch
	if p.src == "paid_search" {
		w.paidSearch = max(w.paidSearch, 0.25)
	}
	x := uint64(i) << 8
	w.anonID = appendUUID(w.anonID[:0], mix64(w.keyAnon^x), mix64(w.keyAnon2^x))

	w.survey()

	// acquisition
	switch p.src {
	case "paid_search", "paid_social", "lead_ads":
		median := 30.0
		campaign := "search_generic"
		if p.src == "lead_ads" {
			median, campaign = 45, "lead_form"
		}
		if p.src == "paid_social" {
			median, campaign = 22, campaigns[campProspecting].name
			for k := g.rangeInt(1, 3); k > 0; k-- {
				w.touch(campProspecting, p.created-int64(g.between(0.2, 14)*day))
			}
		}
		if a1.Name == ExpensivePaidLead {
			median = 150
		}
		w.cost(campaign, p.src, p.created, int64(math.Round(g.lognormal(median, 0.35)*100)), "acquisition")
	}

	// anonymous browsing before signing up, then identify joins the ids
	who := uint8(whoUser)
	if g.chance(a1.anon) {
		for k := g.rangeInt(1, 2); k > 0; k-- {
			t := p.created - int64(g.between(0.05, 30)*day)
			if t >= period1Start {
				w.session(t, a1, whoAnon, 0, nil)
				who = whoBoth
			}
		}
	}
	w.push(event{t: p.created, sess: -1, kind: evIdentify, who: who})
	if p.src != "offline" {
		w.push(event{t: p.created + 2, sess: -1, kind: evSignedUp, who: whoUser, a: int32(signupMethods.idx(g))})
	}

	for _, sg := range w.segs {
		w.browse(sg)
		w.plan(sg)
	}
	w.engage()
	w.settle()
	w.strangers()

	switch {
	case w.changeAt > 0:
		w.improve(a1)
		w.push(event{t: w.changeAt, sess: -1, kind: evIdentify, who: whoUser, aux: 1})
		ch.bufs[outContacts2] = appendContact(ch.bufs[outContacts2], p)
	case noise:
		w.noiseChange()
		ch.bufs[outContacts2] = appendContact(ch.bufs[outContacts2], p)
	}
	w.writeEvents()
	w.truth()
}

func (w *worker) truth() {
	b := w.ch.bufs[outTruth]
	b = append(b, w.p.id...)
	b = append(b, ',')
	b = append(b, w.a1.Name...)
	b = append(b, ',')
	b = strconv.AppendBool(b, w.a1.Negative)
	b = append(b, ',')
	b = append(b, w.a2.Name...)
	b = append(b, ',')
	b = strconv.AppendBool(b, w.a2.Negative)
	b = append(b, '\n')
	w.ch.bufs[outTruth] = b
}

// survey writes the answers of the ~20 % of contacts who answer: budget,
// main goal, satisfaction and the open "why" question in their language.
func (w *worker) survey() {
	g := w.g
	p := &w.p
	a := w.a1
	if !g.chance(a.survey) {
		return
	}
	t := p.created + int64(g.between(3, 150)*day)
	if t > period2End {
		return
	}
	score := math.Log(float64(max(p.inc, 500))/6000) + a.budgetShift + g.normal(0, 0.5)
	budget := "medium"
	switch {
	case score < -0.4:
		budget = "low"
	case score > 0.6:
		budget = "high"
	}
	goal := goalValues[pickCum(g, a.goals)]
	if g.chance(0.2) {
		goal = goalValues[g.n(len(goalValues))]
	}
	sat := int64(max(1, min(10, math.Round(g.normal(a.satMu, 1.3)))))
	theme := a.theme
	if g.chance(0.2) {
		theme = g.n(numThemes)
	}
	texts := answers[theme][p.lang]
	why := texts[g.n(len(texts))]

	var satBuf [2]byte
	satStr := strconv.AppendInt(satBuf[:0], sat, 10)
	for q, qu := range []*question{&qBudget, &qGoal, &qSatisfaction, &qWhy} {
		skip := 0.08
		if q == 3 {
			skip = 0.15
		}
		if g.chance(skip) {
			continue
		}
		b := w.ch.bufs[outSurveys]
		b = append(b, p.id...)
		b = append(b, ',')
		b = append(b, qu.id...)
		b = append(b, ',')
		b = appendCSV(b, qu.text[p.lang])
		b = append(b, ',')
		switch q {
		case 0:
			b = append(b, budget...)
		case 1:
			b = append(b, goal...)
		case 2:
			b = append(b, satStr...)
		default:
			b = appendCSV(b, why)
		}
		b = append(b, ',')
		b = append(b, langCodes[p.lang]...)
		b = append(b, ',')
		b = appendTime(b, t)
		b = append(b, '\n')
		w.ch.bufs[outSurveys] = b
		w.ch.stats.surveys++
		t += int64(g.rangeInt(5, 40))
	}
}

// signupDay draws the sign-up day (days after period1Start) of a contact:
// the shop grows, so the density rises linearly to 2.5 times its starting
// value over period 1 (up to two weeks before its end).
func signupDay(g *rng) int {
	days := float64((period1End - 14*day - period1Start) / day)
	// inverse of F(x) = (x + 0.75x²)/1.75 on [0, 1]
	x := (-1 + math.Sqrt(1+5.25*g.f())) / 1.5
	return int(x * days)
}
