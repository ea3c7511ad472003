package subgroup

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// Quality is a quality function.
type Quality string

const (
	// WRAcc is weighted relative accuracy, (n/N)(p - p0): the share of the
	// rows times the gain in target rate (binary targets).
	WRAcc Quality = "wracc"
	// Binomial is the binomial test quality sqrt(n)(p - p0) (binary).
	Binomial Quality = "binomial"
	// ChiSquare is Pearson's chi-square statistic of the subgroup against
	// its complement, counted only in the searched direction (binary).
	ChiSquare Quality = "chi2"
	// FMeasure is the F1 score of the subgroup as a predictor of the
	// target, 2k/(n + K) with K the positives of the population (binary,
	// direction Above only): it balances precision and coverage.
	FMeasure Quality = "f1"
	// Impact is (n/N)(mean - mean0) for numeric targets: the total
	// deviation the subgroup brings, per row of the population.
	Impact Quality = "impact"
)

// Direction says which way the target must deviate.
type Direction int

const (
	// Above looks for groups with a higher rate (or mean) than the base.
	Above Direction = iota
	// Below looks for groups with a lower rate (or mean).
	Below
)

// Strategy is a search strategy.
type Strategy string

const (
	// Beam keeps the Width best candidates of each depth and refines them.
	Beam Strategy = "beam"
	// Exhaustive enumerates every conjunction up to Depth, skipping those
	// whose optimistic estimate cannot reach the current results.
	Exhaustive Strategy = "exhaustive"
)

// Target is the variable to explain: set exactly one field.
type Target struct {
	Binary  []bool    // a binary target (true = positive)
	Numeric []float64 // a numeric target (no NaN)
}

// Options tune Discover. The zero value of a field takes its default.
type Options struct {
	Strategy  Strategy  // default Beam
	Depth     int       // most conditions per description; default 3
	Width     int       // beam width; default 20
	Quality   Quality   // default WRAcc (binary) or Impact (numeric)
	Direction Direction // default Above
	Bins      int       // quantile bins for numbers; default 5
	MaxValues int       // most frequent values of a category used; default 50
	// MinSize is the smallest subgroup considered; MinSupport the smallest
	// share of rows. The larger wins; defaults 1 row and 1 %.
	MinSize    int
	MinSupport float64
	// Alpha is the significance level for adjusted p-values; results above
	// it are dropped. Default 0.05; 1 keeps everything.
	Alpha      float64
	Correction Correction // default Holm
	// MaxOverlap drops a result whose Jaccard index with a better kept one
	// exceeds it. Default 0.9; 1 keeps all.
	MaxOverlap float64
	// Results is the most results returned; default 20.
	Results int
	// MinRate drops results whose target rate (binary targets, direction
	// Above) is below it; MaxRate those above it (direction Below). 0 and 1
	// (or unset) keep all.
	MinRate, MaxRate float64
	// KeepRedundant keeps refinements that do not beat a generalisation.
	KeepRedundant bool
	// All returns every evaluated candidate, unfiltered and sorted by
	// description (for checks against a reference computation).
	All bool
	// Attrs restricts the search to these attribute indexes (nil = all).
	Attrs []int

	index *Index // set by DiscoverIndex
}

func (o *Options) defaults(numeric bool) {
	if o.Strategy == "" {
		o.Strategy = Beam
	}
	if o.Depth <= 0 {
		o.Depth = 3
	}
	if o.Width <= 0 {
		o.Width = 20
	}
	if o.Quality == "" {
		o.Quality = WRAcc
		if numeric {
			o.Quality = Impact
		}
	}
	if o.Bins <= 0 {
		o.Bins = 5
	}
	if o.MaxValues <= 0 {
		o.MaxValues = 50
	}
	if o.MinSize <= 0 {
		o.MinSize = 1
	}
	if o.MinSupport <= 0 {
		o.MinSupport = 0.01
	}
	if o.Alpha <= 0 {
		o.Alpha = 0.05
	}
	if o.Correction == "" {
		o.Correction = Holm
	}
	if o.MaxOverlap <= 0 {
		o.MaxOverlap = 0.9
	}
	if o.Results <= 0 {
		o.Results = 20
	}
}

// Result is one subgroup.
type Result struct {
	Selectors   []Selector  `json:"-"`
	Description string      `json:"description"`
	Conditions  []Condition `json:"conditions"`
	Size        int         `json:"size"`
	Share       float64     `json:"share"`
	// Binary targets.
	Positives  int     `json:"positives,omitempty"`
	TargetRate float64 `json:"target_rate"`
	BaseRate   float64 `json:"base_rate"`
	RateLow    float64 `json:"target_rate_low"`  // Wilson 95 %
	RateHigh   float64 `json:"target_rate_high"` //
	Lift       float64 `json:"lift"`             // target rate / base rate
	Coverage   float64 `json:"coverage"`         // share of all positives inside
	// Numeric targets.
	Mean     float64 `json:"mean,omitempty"`
	BaseMean float64 `json:"base_mean,omitempty"`
	Quality  float64 `json:"quality"`
	// PValue is the one-sided test of the searched direction: exact
	// binomial against the base rate, or Welch's t-test against the
	// complement; PAdjusted is adjusted over every tested candidate.
	PValue    float64 `json:"p_value"`
	PAdjusted float64 `json:"p_value_adjusted"`
	// Rows are the subgroup's rows.
	Rows Bitset `json:"-"`
}

// Stats describe a search.
type Stats struct {
	Rows       int        `json:"rows"`
	Selectors  int        `json:"selectors"`
	Tested     int        `json:"tested"` // candidates evaluated: the m of the correction
	Pruned     int        `json:"pruned"` // refinements skipped by optimistic estimate or size
	Correction Correction `json:"correction"`
	MinSize    int        `json:"min_size"`
}

// ErrNoTarget is returned when the target is empty or both kinds are set.
var ErrNoTarget = errors.New("subgroup: set exactly one of Target.Binary and Target.Numeric, with one value per row")

// searcher holds the state of one search.
type searcher struct {
	t        *Table
	opt      Options
	sels     []Selector
	bits     []Bitset
	target   Bitset    // binary positives
	y        []float64 // numeric target
	n        int       // rows
	k        int       // positives
	p0       float64
	mu, ysum float64
	ysq      float64
	minSize  int
	ps       []float64 // p-values of every tested candidate
	cands    []cand
	stats    Stats
	ctx      context.Context
}

// cand is an evaluated candidate.
type cand struct {
	sel     []int // selector indexes, ascending
	n, k    int
	s, s2   float64 // target sums (numeric)
	quality float64
	p       float64
}

// Index is a table's selectors with their rows, computed once so that
// several searches (other targets, directions or attribute subsets) can
// share them.
type Index struct {
	t    *Table
	sels []Selector
	bits []Bitset
}

// NewIndex computes the selectors of every attribute of t (see Selectors)
// and the rows each one holds.
func NewIndex(t *Table, bins, maxValues int) *Index {
	if bins <= 0 {
		bins = 5
	}
	if maxValues <= 0 {
		maxValues = 50
	}
	x := &Index{t: t}
	for ai := range t.Attrs {
		a := &t.Attrs[ai]
		sels := Selectors(t, ai, bins, maxValues)
		bitsets := make([]Bitset, len(sels))
		for j := range bitsets {
			bitsets[j] = NewBitset(t.n)
		}
		if a.Kind == Nominal || a.Kind == Multi {
			// One pass over the rows: label code -> selector.
			bySel := make([]int, len(a.Labels))
			for i := range bySel {
				bySel[i] = -1
			}
			missing := -1
			for j, sel := range sels {
				if sel.Op == IsMissing {
					missing = j
					continue
				}
				bySel[slices.Index(a.Labels, sel.Value)] = j
			}
			for i := 0; i < t.n; i++ {
				if a.Kind == Nominal {
					c := a.Codes[i]
					if c < 0 {
						if missing >= 0 {
							bitsets[missing].Set(i)
						}
					} else if j := bySel[c]; j >= 0 {
						bitsets[j].Set(i)
					}
					continue
				}
				if len(a.Sets[i]) == 0 && missing >= 0 {
					bitsets[missing].Set(i)
				}
				for _, c := range a.Sets[i] {
					if j := bySel[c]; j >= 0 {
						bitsets[j].Set(i)
					}
				}
			}
		} else {
			for j, sel := range sels {
				for i := 0; i < t.n; i++ {
					if sel.Match(t, i) {
						bitsets[j].Set(i)
					}
				}
			}
		}
		x.sels = append(x.sels, sels...)
		x.bits = append(x.bits, bitsets...)
	}
	return x
}

// Table returns the indexed table.
func (x *Index) Table() *Table { return x.t }

// Selectors returns the selectors, attribute by attribute.
func (x *Index) Selectors() []Selector { return x.sels }

// Rows returns the rows of selector j (do not modify).
func (x *Index) Rows(j int) Bitset { return x.bits[j] }

// DiscoverIndex is Discover on a prepared index; opt.Bins and
// opt.MaxValues are those of the index.
func DiscoverIndex(ctx context.Context, x *Index, target Target, opt Options) ([]Result, Stats, error) {
	opt.index = x
	return Discover(ctx, x.t, target, opt)
}

// Discover searches t for the subgroups in which target deviates in the
// direction of opt. Results are the best by quality after the filters.
func Discover(ctx context.Context, t *Table, target Target, opt Options) ([]Result, Stats, error) {
	numeric := target.Numeric != nil
	if (target.Binary == nil) == !numeric || numeric && len(target.Numeric) != t.n || !numeric && len(target.Binary) != t.n || t.n == 0 {
		return nil, Stats{}, ErrNoTarget
	}
	opt.defaults(numeric)
	switch opt.Quality {
	case FMeasure:
		if numeric || opt.Direction == Below {
			return nil, Stats{}, fmt.Errorf("subgroup: quality %s needs a binary target and direction above", opt.Quality)
		}
	case WRAcc, Binomial, ChiSquare:
		if numeric {
			return nil, Stats{}, fmt.Errorf("subgroup: quality %s needs a binary target", opt.Quality)
		}
	case Impact:
		if !numeric {
			return nil, Stats{}, fmt.Errorf("subgroup: quality %s needs a numeric target", opt.Quality)
		}
	default:
		return nil, Stats{}, fmt.Errorf("subgroup: unknown quality %q", opt.Quality)
	}
	s := &searcher{t: t, opt: opt, n: t.n, ctx: ctx}
	if numeric {
		for _, v := range target.Numeric {
			if math.IsNaN(v) {
				return nil, Stats{}, errors.New("subgroup: the numeric target has missing values; drop those rows first")
			}
			s.ysum += v
			s.ysq += v * v
		}
		s.y = target.Numeric
		s.mu = s.ysum / float64(s.n)
	} else {
		s.target = NewBitset(s.n)
		for i, b := range target.Binary {
			if b {
				s.target.Set(i)
				s.k++
			}
		}
		s.p0 = float64(s.k) / float64(s.n)
	}
	s.minSize = max(opt.MinSize, int(math.Ceil(opt.MinSupport*float64(s.n))))
	x := opt.index
	if x == nil {
		x = NewIndex(t, opt.Bins, opt.MaxValues)
	}
	if opt.Attrs == nil {
		s.sels, s.bits = x.sels, x.bits
	} else {
		for j, sel := range x.sels {
			if slices.Contains(opt.Attrs, sel.Attr) {
				s.sels = append(s.sels, sel)
				s.bits = append(s.bits, x.bits[j])
			}
		}
	}
	s.stats = Stats{Rows: s.n, Selectors: len(s.sels), Correction: opt.Correction, MinSize: s.minSize}
	var err error
	if opt.Strategy == Exhaustive || opt.All {
		err = s.exhaustive()
	} else {
		err = s.beam()
	}
	if err != nil {
		return nil, s.stats, err
	}
	s.stats.Tested = len(s.ps)
	return s.results(), s.stats, nil
}

// evaluate scores a candidate with n rows, k positives and target sums.
func (s *searcher) score(c *cand) {
	N := float64(s.n)
	nf := float64(c.n)
	sign := 1.0
	if s.opt.Direction == Below {
		sign = -1
	}
	if s.y != nil {
		mean := c.s / nf
		c.quality = sign * nf / N * (mean - s.mu)
		// Welch: the subgroup against its complement, in the direction.
		p := WelchGreater(c.n, sign*c.s, c.s2, s.n-c.n, sign*(s.ysum-c.s), s.ysq-c.s2)
		c.p = p
		return
	}
	p := float64(c.k) / nf
	switch s.opt.Quality {
	case WRAcc:
		c.quality = sign * nf / N * (p - s.p0)
	case Binomial:
		c.quality = sign * math.Sqrt(nf) * (p - s.p0)
	case ChiSquare:
		c.quality = Chi2(c.n, c.k, s.n, s.k)
		if sign*(p-s.p0) <= 0 {
			c.quality = -c.quality
		}
	case FMeasure:
		c.quality = 2 * float64(c.k) / (nf + float64(s.k))
		if p <= s.p0 {
			c.quality = -c.quality // no better than the population: never a result
		}
	}
	if s.opt.Direction == Below {
		c.p = BinomialLower(c.k, c.n, s.p0)
	} else {
		c.p = BinomialUpper(c.k, c.n, s.p0)
	}
}

// optimistic returns an upper bound of the quality of every refinement of
// a candidate with rows b (n rows, k positives).
func (s *searcher) optimistic(b Bitset, n, k int) float64 {
	N := float64(s.n)
	if s.y != nil {
		sign := 1.0
		if s.opt.Direction == Below {
			sign = -1
		}
		return positiveExcess(b, s.y, s.mu, sign) / N
	}
	// The best refinement keeps only the rows of the wanted class.
	good, rate := k, 1.0
	if s.opt.Direction == Below {
		good, rate = n-k, 0.0
	}
	if good < s.minSize {
		return math.Inf(-1)
	}
	g := float64(good)
	switch s.opt.Quality {
	case Binomial:
		return math.Sqrt(g) * math.Abs(rate-s.p0)
	case ChiSquare:
		if s.opt.Direction == Below {
			return Chi2(good, 0, s.n, s.k)
		}
		return Chi2(good, good, s.n, s.k)
	case FMeasure:
		// Keeping only the k positives: 2k/(k + K).
		return 2 * g / (g + float64(s.k))
	default:
		return g / N * math.Abs(rate-s.p0)
	}
}

// evalRefinement computes the rows of parent ∩ selector j into dst and
// returns the evaluated candidate.
func (s *searcher) eval(dst, parent Bitset, sel []int, j int) cand {
	var c cand
	c.n, c.k = And(dst, parent, s.bits[j], s.target)
	c.sel = append(append(make([]int, 0, len(sel)+1), sel...), j)
	sort.Ints(c.sel)
	return c
}

// finish scores c (rows in b) and records its test.
func (s *searcher) finish(c *cand, b Bitset) {
	if s.y != nil {
		c.s, c.s2 = sums(b, s.y)
	}
	s.score(c)
	s.ps = append(s.ps, c.p)
}

// usesAttr reports whether the selectors sel include one on attribute a.
func (s *searcher) usesAttr(sel []int, a int) bool {
	for _, i := range sel {
		if s.sels[i].Attr == a {
			return true
		}
	}
	return false
}

// exhaustive enumerates conjunctions depth first in increasing selector
// order. Unless opt.All, a branch is cut when its optimistic estimate
// cannot beat the worst of the best candidates kept so far.
func (s *searcher) exhaustive() error {
	keep := s.keepCount()
	top := &topK{k: keep}
	all := fullBitset(s.n)
	scratch := make([]Bitset, s.opt.Depth)
	for d := range scratch {
		scratch[d] = NewBitset(s.n)
	}
	var walk func(parent Bitset, sel []int, from, depth int) error
	walk = func(parent Bitset, sel []int, from, depth int) error {
		if err := s.ctx.Err(); err != nil {
			return err
		}
		for j := from; j < len(s.sels); j++ {
			if s.usesAttr(sel, s.sels[j].Attr) {
				continue
			}
			dst := scratch[depth]
			c := s.eval(dst, parent, sel, j)
			if c.n < s.minSize {
				s.stats.Pruned++
				continue
			}
			s.finish(&c, dst)
			if s.opt.All {
				s.cands = append(s.cands, c)
			} else {
				top.add(c)
			}
			if depth+1 >= s.opt.Depth {
				continue
			}
			if !s.opt.All {
				if oe := s.optimistic(dst, c.n, c.k); math.IsInf(oe, -1) || top.full() && oe <= top.worst() {
					s.stats.Pruned++
					continue
				}
			}
			if err := walk(dst, c.sel, j+1, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(all, nil, 0, 0); err != nil {
		return err
	}
	if !s.opt.All {
		s.cands = top.items
	}
	return nil
}

// beam refines the Width best candidates of each depth by every selector of
// another attribute.
func (s *searcher) beam() error {
	keep := s.keepCount()
	top := &topK{k: keep}
	seen := map[string]bool{}
	all := fullBitset(s.n)
	type node struct {
		c    cand
		rows Bitset
	}
	level := []node{{rows: all}}
	buf := NewBitset(s.n)
	for depth := 0; depth < s.opt.Depth && len(level) > 0; depth++ {
		next := &topK{k: s.opt.Width}
		for _, parent := range level {
			if err := s.ctx.Err(); err != nil {
				return err
			}
			if depth > 0 {
				if oe := s.optimistic(parent.rows, parent.c.n, parent.c.k); math.IsInf(oe, -1) || top.full() && oe <= top.worst() {
					s.stats.Pruned++
					continue
				}
			}
			for j := range s.sels {
				if s.usesAttr(parent.c.sel, s.sels[j].Attr) {
					continue
				}
				c := s.eval(buf, parent.rows, parent.c.sel, j)
				key := selKey(c.sel)
				if seen[key] {
					continue
				}
				seen[key] = true
				if c.n < s.minSize {
					s.stats.Pruned++
					continue
				}
				s.finish(&c, buf)
				top.add(c)
				next.add(c)
			}
		}
		level = level[:0]
		for _, c := range next.items {
			level = append(level, node{c, s.rowsOf(c.sel)})
		}
	}
	s.cands = top.items
	return nil
}

func selKey(sel []int) string {
	var b strings.Builder
	for _, i := range sel {
		fmt.Fprintf(&b, "%d,", i)
	}
	return b.String()
}

// fullBitset returns the set of all n rows.
func fullBitset(n int) Bitset {
	b := NewBitset(n)
	for i := range b {
		b[i] = ^uint64(0)
	}
	if r := n % 64; r != 0 {
		b[len(b)-1] = 1<<uint(r) - 1
	}
	return b
}

// keepCount is how many candidates the search keeps before filtering:
// enough that the filters leave Results.
func (s *searcher) keepCount() int { return max(20*s.opt.Results, 200) }

// topK keeps the k candidates of highest quality.
type topK struct {
	k     int
	items []cand // sorted by quality, descending
}

func (t *topK) full() bool { return len(t.items) >= t.k }

func (t *topK) worst() float64 { return t.items[len(t.items)-1].quality }

// add inserts c when it is among the best; it reports whether c was kept.
func (t *topK) add(c cand) bool {
	if c.quality <= 0 && !math.IsNaN(c.quality) {
		// A candidate that does not deviate in the searched direction is
		// never a result (its p-value is still counted).
		return false
	}
	if t.full() && c.quality <= t.worst() {
		return false
	}
	i := sort.Search(len(t.items), func(i int) bool { return t.items[i].quality < c.quality })
	t.items = append(t.items, cand{})
	copy(t.items[i+1:], t.items[i:])
	t.items[i] = c
	if len(t.items) > t.k {
		t.items = t.items[:t.k]
	}
	return true
}

// rowsOf computes the rows of a selector list.
func (s *searcher) rowsOf(sel []int) Bitset {
	b := NewBitset(s.n)
	copy(b, s.bits[sel[0]])
	for _, j := range sel[1:] {
		for i := range b {
			b[i] &= s.bits[j][i]
		}
	}
	return b
}

// results turns the kept candidates into results: p-values adjusted over
// every test, then (unless opt.All) the significance, refinement and
// overlap filters, best first.
func (s *searcher) results() []Result {
	adj := newAdjuster(s.ps, s.opt.Correction)
	mk := func(c cand) Result {
		r := s.result(c)
		r.PAdjusted = adj.adjust(c.p, s.opt.Correction)
		return r
	}
	var out []Result
	if s.opt.All {
		for _, c := range s.cands {
			out = append(out, mk(c))
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Description < out[j].Description })
		return out
	}
	for _, c := range s.cands {
		if len(out) >= s.opt.Results {
			break
		}
		r := mk(c)
		if r.PAdjusted > s.opt.Alpha || math.IsNaN(r.PAdjusted) {
			continue
		}
		if s.y == nil && (r.TargetRate < s.opt.MinRate || s.opt.MaxRate > 0 && r.TargetRate > s.opt.MaxRate) {
			continue
		}
		if !s.opt.KeepRedundant && !s.beatsGeneralisations(c) {
			continue
		}
		dup := false
		for _, k := range out {
			if jaccard(r.Rows, k.Rows, r.Size, k.Size) > s.opt.MaxOverlap {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, r)
		}
	}
	return out
}

// beatsGeneralisations reports whether c's quality is higher than that of
// every conjunction of a proper, non-empty subset of its selectors.
func (s *searcher) beatsGeneralisations(c cand) bool {
	m := len(c.sel)
	for mask := 1; mask < 1<<m-1; mask++ {
		var sub []int
		for i := range m {
			if mask&(1<<i) != 0 {
				sub = append(sub, c.sel[i])
			}
		}
		g := cand{sel: sub}
		rows := s.rowsOf(sub)
		g.n = rows.Count()
		if s.target != nil {
			g.k = intersect(rows, s.target)
		} else {
			g.s, g.s2 = sums(rows, s.y)
		}
		s.score(&g)
		if g.quality >= c.quality || !s.differs(c, g) {
			return false
		}
	}
	return true
}

// differs reports whether the target of refinement c differs from that of
// its generalisation g beyond chance: g's rate lies outside c's 95 % Wilson
// interval (binary), or g's mean outside c's mean ± 1.96 standard errors
// (numeric). A condition that keeps almost every row of g ("Do Not Call =
// false") adds nothing a user should read, even when it nudges the quality.
func (s *searcher) differs(c, g cand) bool {
	const z = 1.959963984540054
	if s.y == nil {
		lo, hi := Wilson(c.k, c.n, z)
		pg := float64(g.k) / float64(g.n)
		return pg < lo || pg > hi
	}
	if c.n < 2 {
		return false
	}
	n := float64(c.n)
	mean := c.s / n
	v := math.Max(0, (c.s2-c.s*mean)/(n-1))
	se := math.Sqrt(v / n)
	return math.Abs(g.s/float64(g.n)-mean) > z*se
}

func jaccard(a, b Bitset, na, nb int) float64 {
	both := intersect(a, b)
	union := na + nb - both
	if union == 0 {
		return 1
	}
	return float64(both) / float64(union)
}

// result describes candidate c.
func (s *searcher) result(c cand) Result {
	r := Result{Size: c.n, Share: float64(c.n) / float64(s.n), Quality: c.quality, PValue: c.p}
	var texts []string
	for _, j := range c.sel {
		sel := s.sels[j]
		r.Selectors = append(r.Selectors, sel)
		texts = append(texts, sel.Text(s.t))
		r.Conditions = append(r.Conditions, sel.Conditions(s.t)...)
	}
	r.Description = strings.Join(texts, " AND ")
	r.Rows = s.rowsOf(c.sel)
	if s.y != nil {
		r.Mean = c.s / float64(c.n)
		r.BaseMean = s.mu
		return r
	}
	r.Positives = c.k
	r.TargetRate = float64(c.k) / float64(c.n)
	r.BaseRate = s.p0
	r.RateLow, r.RateHigh = Wilson(c.k, c.n, 1.959963984540054)
	if s.p0 > 0 {
		r.Lift = r.TargetRate / s.p0
	}
	if s.k > 0 {
		r.Coverage = float64(c.k) / float64(s.k)
	}
	return r
}
