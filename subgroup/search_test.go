package subgroup

import (
	"context"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"testing"
)

// TestExhaustivePruningIsExact: pruning by optimistic estimate must not
// change the best candidates. The top 50 qualities of the pruned search
// equal the top 50 of the full enumeration, for each quality function and
// direction, at depth 3.
func TestExhaustivePruningIsExact(t *testing.T) {
	tab, bought, profit := loadFixture(t)
	cases := []struct {
		q   Quality
		dir Direction
		tgt Target
	}{
		{WRAcc, Above, Target{Binary: bought}}, {WRAcc, Below, Target{Binary: bought}},
		{Binomial, Above, Target{Binary: bought}}, {Binomial, Below, Target{Binary: bought}},
		{ChiSquare, Above, Target{Binary: bought}}, {ChiSquare, Below, Target{Binary: bought}},
		{FMeasure, Above, Target{Binary: bought}},
		{Impact, Above, Target{Numeric: profit}}, {Impact, Below, Target{Numeric: profit}},
	}
	for _, c := range cases {
		t.Run(string(c.q)+strconv.Itoa(int(c.dir)), func(t *testing.T) {
			base := Options{Depth: 3, Bins: 4, MinSize: 20, Quality: c.q, Direction: c.dir}
			all := base
			all.All = true
			every, full, err := Discover(context.Background(), tab, c.tgt, all)
			if err != nil {
				t.Fatal(err)
			}
			var want []float64
			for _, r := range every {
				if r.Quality > 0 {
					want = append(want, r.Quality)
				}
			}
			sort.Sort(sort.Reverse(sort.Float64Slice(want)))
			want = want[:min(50, len(want))]

			pr := base
			pr.Strategy, pr.Results, pr.Alpha, pr.MaxOverlap, pr.KeepRedundant = Exhaustive, 50, 1, 1, true
			got, st, err := Discover(context.Background(), tab, c.tgt, pr)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("got %d results, want %d", len(got), len(want))
			}
			for i := range want {
				if math.Abs(got[i].Quality-want[i]) > 1e-12 {
					t.Errorf("rank %d: quality %v, want %v", i, got[i].Quality, want[i])
				}
			}
			if st.Tested >= full.Tested {
				t.Errorf("pruning tested %d candidates of %d: nothing pruned", st.Tested, full.Tested)
			}
			t.Logf("full enumeration %d candidates, pruned search %d", full.Tested, st.Tested)
		})
	}
}

// TestPlanted: the default beam search finds the effects planted in the
// fixture (see testdata/README.md): students from the blog rarely buy;
// people of 60 and more in Krakow buy often.
func TestPlanted(t *testing.T) {
	tab, bought, _ := loadFixture(t)
	below, _, err := Discover(context.Background(), tab, Target{Binary: bought}, Options{Direction: Below, Bins: 4})
	if err != nil {
		t.Fatal(err)
	}
	if !hasAll(below, "occupation = student", "source = blog") {
		t.Errorf("low buyers: no result with occupation = student AND source = blog in %v", descriptions(below))
	}
	above, _, err := Discover(context.Background(), tab, Target{Binary: bought}, Options{Bins: 4})
	if err != nil {
		t.Fatal(err)
	}
	if !hasAll(above, "city = Krakow") {
		t.Errorf("high buyers: no result with city = Krakow in %v", descriptions(above))
	}
}

func descriptions(rs []Result) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Description)
	}
	return out
}

// hasAll reports whether some result's selectors include all texts.
func hasAll(rs []Result, texts ...string) bool {
	for _, r := range rs {
		n := 0
		for _, txt := range texts {
			for _, d := range splitAnd(r.Description) {
				if d == txt {
					n++
				}
			}
		}
		if n == len(texts) {
			return true
		}
	}
	return false
}

func splitAnd(d string) []string {
	var out []string
	for {
		i := indexOf(d, " AND ")
		if i < 0 {
			return append(out, d)
		}
		out = append(out, d[:i])
		d = d[i+5:]
	}
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

// TestFilters checks the promises of the default search on the fixture:
// results are significant after adjustment, each beats every
// generalisation, no two overlap by more than MaxOverlap, and their
// conditions, re-applied naively to the raw columns, give back their size,
// positives and rate.
func TestFilters(t *testing.T) {
	tab, bought, _ := loadFixture(t)
	for _, dir := range []Direction{Above, Below} {
		opt := Options{Direction: dir, Bins: 4, Depth: 3}
		res, st, err := Discover(context.Background(), tab, Target{Binary: bought}, opt)
		if err != nil {
			t.Fatal(err)
		}
		if len(res) == 0 {
			t.Fatal("no results")
		}
		t.Logf("direction %d: %d results of %d tested", dir, len(res), st.Tested)
		for i, r := range res {
			if r.PAdjusted > 0.05 {
				t.Errorf("%s: adjusted p %v above alpha", r.Description, r.PAdjusted)
			}
			if r.PAdjusted < r.PValue {
				t.Errorf("%s: adjusted p %v below raw %v", r.Description, r.PAdjusted, r.PValue)
			}
			// Naive re-application of the reported conditions.
			n, k := 0, 0
			for row := 0; row < tab.Rows(); row++ {
				if applyConditions(t, tab, r.Conditions, row) {
					n++
					if bought[row] {
						k++
					}
				}
			}
			if n != r.Size || k != r.Positives || float64(k)/float64(n) != r.TargetRate {
				t.Errorf("%s: conditions give %d rows, %d positives; result says %d, %d", r.Description, n, k, r.Size, r.Positives)
			}
			// Every generalisation is worse.
			sels := r.Selectors
			for mask := 1; mask < 1<<len(sels)-1; mask++ {
				var sub []Selector
				for j := range sels {
					if mask&(1<<j) != 0 {
						sub = append(sub, sels[j])
					}
				}
				gn, gk := 0, 0
				for row := 0; row < tab.Rows(); row++ {
					ok := true
					for _, s := range sub {
						ok = ok && s.Match(tab, row)
					}
					if ok {
						gn++
						if bought[row] {
							gk++
						}
					}
				}
				sign := 1.0
				if dir == Below {
					sign = -1
				}
				N := float64(tab.Rows())
				gq := sign * float64(gn) / N * (float64(gk)/float64(gn) - r.BaseRate)
				if gq >= r.Quality {
					t.Errorf("%s: generalisation with quality %v >= %v", r.Description, gq, r.Quality)
				}
			}
			for _, o := range res[:i] {
				if j := jaccard(r.Rows, o.Rows, r.Size, o.Size); j > 0.9 {
					t.Errorf("%s overlaps %s: Jaccard %v", r.Description, o.Description, j)
				}
			}
			if lo, hi := r.RateLow, r.RateHigh; !(lo <= r.TargetRate && r.TargetRate <= hi) {
				t.Errorf("%s: interval [%v, %v] misses the rate %v", r.Description, lo, hi, r.TargetRate)
			}
		}
	}
}

// applyConditions evaluates reported conditions on row i from the raw
// attribute values, as a user re-applying them to the table would.
func applyConditions(t *testing.T, tab *Table, conds []Condition, i int) bool {
	for _, c := range conds {
		var a *Attribute
		for j := range tab.Attrs {
			if tab.Attrs[j].Name == c.Attribute {
				a = &tab.Attrs[j]
			}
		}
		if a == nil {
			t.Fatalf("condition on unknown attribute %q", c.Attribute)
		}
		switch c.Op {
		case "is_missing":
			if a.Kind == Numeric && !math.IsNaN(a.Values[i]) || a.Kind == Nominal && a.Codes[i] >= 0 {
				return false
			}
		case "=":
			if a.Codes[i] < 0 || a.Labels[a.Codes[i]] != c.Value.(string) {
				return false
			}
		case "<":
			if !(a.Values[i] < c.Value.(float64)) {
				return false
			}
		case ">=":
			if !(a.Values[i] >= c.Value.(float64)) {
				return false
			}
		default:
			t.Fatalf("unexpected op %q", c.Op)
		}
	}
	return true
}

func TestAdjustments(t *testing.T) {
	// Hand computation, m = 4: sorted .005 .01 .03 .04.
	// Holm: 4(.005)=.02, 3(.01)=.03, 2(.03)=.06, 1(.04)=.04 -> running max .06.
	// BH: 4p/j = .02 .02 .04 .04, running min from the right.
	ps := []float64{0.01, 0.04, 0.03, 0.005}
	holm := map[float64]float64{0.005: 0.02, 0.01: 0.03, 0.03: 0.06, 0.04: 0.06}
	bh := map[float64]float64{0.005: 0.02, 0.01: 0.02, 0.03: 0.04, 0.04: 0.04}
	ah, ab := newAdjuster(ps, Holm), newAdjuster(ps, BenjaminiHochberg)
	for _, p := range ps {
		if got := ah.adjust(p, Holm); math.Abs(got-holm[p]) > 1e-15 {
			t.Errorf("Holm(%v) = %v, want %v", p, got, holm[p])
		}
		if got := ab.adjust(p, BenjaminiHochberg); math.Abs(got-bh[p]) > 1e-15 {
			t.Errorf("BH(%v) = %v, want %v", p, got, bh[p])
		}
	}
	// Ties share one adjustment.
	ties := newAdjuster([]float64{0.01, 0.01, 0.5}, Holm)
	if got := ties.adjust(0.01, Holm); got != 0.03 {
		t.Errorf("Holm of tied 0.01 among 3 = %v, want 0.03", got)
	}
}

func TestWilson(t *testing.T) {
	// 5 of 20 at 95 %: (0.1119, 0.4687), worked by hand from the formula
	// (Newcombe 1998 lists the same interval).
	lo, hi := Wilson(5, 20, 1.959963984540054)
	if math.Abs(lo-0.11186) > 5e-5 || math.Abs(hi-0.46871) > 5e-5 {
		t.Errorf("Wilson(5, 20) = [%v, %v]", lo, hi)
	}
}

func TestBinomialTails(t *testing.T) {
	// Exact sums for small n (hand-checkable): Bin(4, .5): P(X>=3) = 5/16,
	// P(X<=1) = 5/16.
	if got := BinomialUpper(3, 4, 0.5); math.Abs(got-5.0/16) > 1e-14 {
		t.Errorf("P(X>=3) = %v", got)
	}
	if got := BinomialLower(1, 4, 0.5); math.Abs(got-5.0/16) > 1e-14 {
		t.Errorf("P(X<=1) = %v", got)
	}
	// Against a direct sum of the mass for a larger n.
	n, p := 60, 0.2
	for k := 0; k <= n; k += 7 {
		up, lo := 0.0, 0.0
		for x := 0; x <= n; x++ {
			lg, _ := math.Lgamma(float64(n + 1))
			l1, _ := math.Lgamma(float64(x + 1))
			l2, _ := math.Lgamma(float64(n - x + 1))
			m := math.Exp(lg - l1 - l2 + float64(x)*math.Log(p) + float64(n-x)*math.Log(1-p))
			if x >= k {
				up += m
			}
			if x <= k {
				lo += m
			}
		}
		if math.Abs(BinomialUpper(k, n, p)-up) > 1e-12*math.Max(up, 1e-300)+1e-15 {
			t.Errorf("upper k=%d: %v vs %v", k, BinomialUpper(k, n, p), up)
		}
		if math.Abs(BinomialLower(k, n, p)-lo) > 1e-12*math.Max(lo, 1e-300)+1e-15 {
			t.Errorf("lower k=%d: %v vs %v", k, BinomialLower(k, n, p), lo)
		}
	}
}

func TestErrors(t *testing.T) {
	tab, _ := NewTable(NewNumeric("x", []float64{1, 2, 3}))
	if _, _, err := Discover(context.Background(), tab, Target{}, Options{}); err == nil {
		t.Error("empty target accepted")
	}
	if _, _, err := Discover(context.Background(), tab, Target{Binary: []bool{true}}, Options{}); err == nil {
		t.Error("short target accepted")
	}
	if _, _, err := Discover(context.Background(), tab, Target{Numeric: []float64{1, math.NaN(), 2}}, Options{}); err == nil {
		t.Error("NaN numeric target accepted")
	}
	if _, _, err := Discover(context.Background(), tab, Target{Binary: []bool{true, false, true}}, Options{Quality: Impact}); err == nil {
		t.Error("impact on a binary target accepted")
	}
	if _, err := NewTable(NewNumeric("x", []float64{1}), NewNominal("y", []string{"a", "b"})); err == nil {
		t.Error("ragged table accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tab2, bought, _ := loadFixture(t)
	if _, _, err := Discover(ctx, tab2, Target{Binary: bought}, Options{Strategy: Exhaustive}); err == nil {
		t.Error("canceled search returned no error")
	}
}

// synthetic makes a table of n rows with attrs attributes (half nominal
// with 6 values, half numeric) and a binary target with a planted rule.
func synthetic(n, attrs int, seed uint64) (*Table, []bool) {
	r := rand.New(rand.NewPCG(seed, 1))
	var as []Attribute
	for a := range attrs {
		if a%2 == 0 {
			vals := make([]string, n)
			for i := range vals {
				vals[i] = string(rune('a' + r.IntN(6)))
			}
			as = append(as, NewNominal("c"+strconv.Itoa(a), vals))
		} else {
			vals := make([]float64, n)
			for i := range vals {
				vals[i] = math.Round(r.NormFloat64()*100) / 10
			}
			as = append(as, NewNumeric("x"+strconv.Itoa(a), vals))
		}
	}
	tab, _ := NewTable(as...)
	y := make([]bool, n)
	for i := range y {
		p := 0.1
		if as[0].Codes[i] == 0 && as[1].Values[i] > 0 {
			p = 0.4
		}
		y[i] = r.Float64() < p
	}
	return tab, y
}

func TestSyntheticRecovered(t *testing.T) {
	tab, y := synthetic(20000, 10, 3)
	res, _, err := Discover(context.Background(), tab, Target{Binary: y}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) == 0 || !hasAll(res[:1], "c0 = a") || indexOf(res[0].Description, "x1 >=") < 0 {
		t.Errorf("planted rule c0 = a AND x1 > 0 not first: %v", descriptions(res))
	}
}

// BenchmarkDiscover: beam search (depth 3, width 20) on 100 attributes.
func BenchmarkDiscover(b *testing.B) {
	for _, n := range []int{100000, 1000000} {
		tab, y := synthetic(n, 100, 1)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				if _, _, err := Discover(context.Background(), tab, Target{Binary: y}, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestIndexAttrs: a search on a shared index restricted to some attributes
// finds what a search on a table of only those attributes finds.
func TestIndexAttrs(t *testing.T) {
	tab, bought, _ := loadFixture(t)
	sub, _ := NewTable(tab.Attrs[0], tab.Attrs[3], tab.Attrs[5])
	opt := Options{Bins: 4, Depth: 2, Direction: Below}
	want, _, err := Discover(context.Background(), sub, Target{Binary: bought}, opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.Attrs = []int{0, 3, 5}
	got, _, err := DiscoverIndex(context.Background(), NewIndex(tab, 4, 50), Target{Binary: bought}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) || len(got) == 0 {
		t.Fatalf("got %d results, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Description != want[i].Description || got[i].Size != want[i].Size || got[i].PAdjusted != want[i].PAdjusted {
			t.Errorf("%d: %s (%d, %g) vs %s (%d, %g)", i, got[i].Description, got[i].Size, got[i].PAdjusted, want[i].Description, want[i].Size, want[i].PAdjusted)
		}
	}
}

// TestMean checks the mean and interval by hand: rows 0-2 of 1, 2, 3 have
// mean 2 and sample standard deviation 1, so the interval is 2 ± 1.96/√3 =
// 2 ± 1.1316; NaN rows are skipped; one value gives no interval.
func TestMean(t *testing.T) {
	x := []float64{1, 2, 3, 4, math.NaN()}
	b := NewBitset(len(x))
	for _, i := range []int{0, 1, 2, 4} {
		b.Set(i)
	}
	m, ok := Mean(x, b)
	if !ok || m.N != 3 || math.Abs(m.Mean-2) > 1e-12 || math.Abs(m.High-3.1316) > 1e-4 || math.Abs(m.Low-0.8684) > 1e-4 {
		t.Errorf("Mean = %+v, %v; want mean 2, 0.8684-3.1316, n 3", m, ok)
	}
	if all, _ := Mean(x, nil); all.N != 4 || all.Mean != 2.5 {
		t.Errorf("over all rows: %+v, want mean 2.5 of 4", all)
	}
	one := NewBitset(len(x))
	one.Set(3)
	if m, ok := Mean(x, one); ok || m.Low != 4 || m.High != 4 {
		t.Errorf("one value: %+v, %v", m, ok)
	}
}
