package propensity

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// manyLevels is a table whose outcome depends on a categorical column of
// 300 levels (so that category sets use every word of the 256 bins, the
// rarest levels sharing the last one), numeric columns with missing values
// and a column that is always missing in training but not in scoring.
func manyLevels(n int, seed uint64) (*Data, []bool) {
	rng := rand.New(rand.NewPCG(seed, 11))
	levels := make([]string, 300)
	for i := range levels {
		levels[i] = string(rune('A'+i%26)) + string(rune('a'+i/26))
	}
	d := &Data{NumNames: []string{"x", "w"}, CatNames: []string{"shop", "flag"}, Levels: [][]string{levels, {"no", "yes"}}}
	d.Num = make([][]float64, 2)
	d.Cat = make([][]int32, 2)
	y := make([]bool, n)
	for i := range n {
		x := rng.NormFloat64()
		if rng.IntN(7) == 0 {
			x = math.NaN()
		}
		c := int32(rng.IntN(300))
		if rng.IntN(20) == 0 {
			c = -1
		}
		z := 0.5*x - 1
		if math.IsNaN(x) {
			z = 0.8
		}
		if c >= 0 && (c*7)%11 < 4 {
			z += 1.2
		}
		y[i] = rng.Float64() < sigmoid(z)
		d.Num[0] = append(d.Num[0], x)
		d.Num[1] = append(d.Num[1], math.NaN())
		d.Cat[0] = append(d.Cat[0], c)
		d.Cat[1] = append(d.Cat[1], int32(rng.IntN(2)))
	}
	return d, y
}

// TestScorerIsWalk checks that Predict, which scores blocks of 32 rows with
// the AVX2 kernel where the CPU has it, gives exactly the log-odds of
// walking each row through the trees one by one (predictRow): on numeric
// and categorical splits, missing and unseen values, trees of many leaves,
// a first tree of a single leaf, row counts around the kernel's blocks,
// and a model read back from JSON.
func TestScorerIsWalk(t *testing.T) {
	d, y := manyLevels(6000, 1)
	// Scoring rows: new values in the always-missing column, unseen codes.
	sd, _ := manyLevels(5000, 2)
	for i := range sd.Num[1] {
		sd.Num[1][i] = float64(i % 5)
		if i%97 == 0 {
			sd.Cat[0][i] = 400
		}
	}
	walk := func(m *GBDT, d *Data, i int) float64 {
		row := make([]uint8, d.Features())
		m.binRow(d, i, row)
		z := m.Init
		for t := range m.Trees {
			z += m.Trees[t].predictRow(row)
		}
		return sigmoid(z)
	}
	for _, opt := range []GBDTOptions{
		{MaxIter: 60, EarlyStopping: "off"},
		{MaxIter: 25, MaxLeafNodes: 200, MinSamplesLeaf: 2, EarlyStopping: "off"},
		{MaxIter: 10, MaxDepth: 2, EarlyStopping: "off"},
		{MaxIter: 5, MaxDepth: 1, EarlyStopping: "off"}, // stumps: leaves right after the root
	} {
		m, err := FitGBDT(d, y, opt)
		if err != nil {
			t.Fatal(err)
		}
		cat := 0
		for _, tr := range m.Trees {
			for _, n := range tr.nodes {
				if n.catLeft != nil {
					cat++
				}
			}
		}
		if cat == 0 && opt.MaxDepth != 1 {
			t.Fatalf("%+v: no categorical split to check", opt)
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var back GBDT
		if err := back.UnmarshalJSON(b); err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{1, 31, 32, 33, 95, 257, 5000} {
			sub := sd.Subset(seq(n))
			for name, mm := range map[string]*GBDT{"fitted": m, "from JSON": &back} {
				p := mm.Predict(sub)
				for i := range p {
					if w := walk(mm, sub, i); p[i] != w {
						t.Fatalf("%+v, %s, %d rows: row %d scores %v, its walk %v", opt, name, n, i, p[i], w)
					}
				}
			}
		}
	}
	// Trees cut after the fit: Predict follows the trees as they are.
	m, err := FitGBDT(d, y, GBDTOptions{MaxIter: 20, EarlyStopping: "off"})
	if err != nil {
		t.Fatal(err)
	}
	m.Trees = m.Trees[:7]
	for i, p := range m.Predict(sd.Subset(seq(100))) {
		if w := walk(m, sd, i); p != w {
			t.Fatalf("7 of 20 trees: row %d scores %v, its walk %v", i, p, w)
		}
	}
	// A first tree of one leaf: nothing to split on.
	one := &Data{NumNames: []string{"c"}, Num: [][]float64{make([]float64, 100)}}
	yy := make([]bool, 100)
	for i := range 30 {
		yy[i] = true
	}
	m, err = FitGBDT(one, yy, GBDTOptions{EarlyStopping: "off"})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Trees) != 1 || len(m.Trees[0].nodes) != 1 {
		t.Fatalf("constant column: %d trees", len(m.Trees))
	}
	for i, p := range m.Predict(one) {
		if w := walk(m, one, i); p != w || math.Abs(p-0.3) > 1e-12 {
			t.Fatalf("constant column: row %d scores %v, walk %v, want 0.3", i, p, w)
		}
	}
	t.Logf("AVX2 kernel: %v", useAVX2)
}

// TestNumBin checks the branch-free bin search against sort's on edges
// of every length, at the edges, between them, beyond both ends, at ±0,
// ±Inf and NaN.
func TestNumBin(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 2, 3, 7, 100, 253, 254} {
		edges := make([]float64, 0, n)
		for len(edges) < n {
			edges = append(edges, math.Round(rng.NormFloat64()*1000)/100)
			slices.Sort(edges)
			edges = slices.Compact(edges)
		}
		if n == 3 {
			edges = []float64{-1, 0, 1}
		}
		b := &binner{edges: [][]float64{edges}}
		b.pad()
		vals := []float64{math.Inf(-1), math.Inf(1), 0, math.Copysign(0, -1), -1e308, 1e308, math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64}
		for _, e := range edges {
			vals = append(vals, e, math.Nextafter(e, math.Inf(1)), math.Nextafter(e, math.Inf(-1)))
		}
		for range 200 {
			vals = append(vals, rng.NormFloat64()*20)
		}
		for _, v := range vals {
			want, _ := slices.BinarySearch(edges, v)
			if got := b.numBin(0, v); int(got) != want {
				t.Fatalf("%d edges, %v: bin %d, want %d", n, v, got, want)
			}
		}
		if b.numBin(0, math.NaN()) != missingBin {
			t.Fatalf("NaN is not in the missing bin")
		}
	}
}

// TestTopContributions checks the selection against a stable sort by
// magnitude (the definition), zeros left out, on ties and short lists.
func TestTopContributions(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for range 2000 {
		n := rng.IntN(12)
		names := make([]string, n)
		contrib := make([]float64, n)
		for j := range contrib {
			names[j] = string(rune('a' + j))
			contrib[j] = float64(rng.IntN(7)-3) / 2 // ties and zeros
		}
		k := rng.IntN(5)
		want := make([]Contribution, 0, n)
		for j, v := range contrib {
			if v != 0 {
				want = append(want, Contribution{Feature: names[j], Value: v})
			}
		}
		slices.SortStableFunc(want, func(a, b Contribution) int {
			switch x, y := math.Abs(a.Value), math.Abs(b.Value); {
			case x > y:
				return -1
			case x < y:
				return 1
			}
			return 0
		})
		want = want[:min(k, len(want))]
		if got := TopContributions(names, contrib, k); !slices.Equal(got, want) {
			t.Fatalf("%v, k=%d: %v, want %v", contrib, k, got, want)
		}
	}
}

// TestCategoricalSplitSides checks a categorical split against a hand
// computation of scikit-learn's rule: categories are ordered by
// G/(H+10), scanned from both ends, the scanned ones going left; a
// category whose support (its hessian share times the node's rows) is
// under 10 takes no part and goes right. Here the best split takes the one
// category at the top of the order (found scanning from the right), so the
// left set is that category alone and the low-support one joins the three
// others on the right.
func TestCategoricalSplitSides(t *testing.T) {
	g := &grower{nbins: []int{5}, isCat: []bool{true}, opt: GBDTOptions{}.withDefaults()}
	var h histo
	// bins 0-3: 100 rows each, hessian 25; gradients make bin 0 the top.
	for b, gr := range []float64{30, -5, -6, -7} {
		h[b] = bin{g: gr, h: 25, n: 100}
	}
	h[4] = bin{g: 4, h: 1, n: 5} // support 1 × 405/101 < 10
	var G, H, N float64
	for _, c := range h {
		G, H, N = G+c.g, H+c.h, N+c.n
	}
	l := &leaf{lo: 0, hi: int(N), g: G, h: H, hist: []histo{h}}
	g.findSplit(l)
	s := l.split
	if s.catLeft == nil || s.missingLeft {
		t.Fatalf("split %+v: want a categorical split, missing right", s)
	}
	for b := range 5 {
		in := s.catLeft[b>>6]&(1<<(b&63)) != 0
		if in != (b == 0) {
			t.Fatalf("bin %d on the left: %v; want only bin 0 left", b, in)
		}
	}
	// By hand: left = bin 0 (G 30, H 25), right = the rest (G -14, H 76).
	want := 30.0*30/25 + 14.0*14/76 - G*G/H
	if math.Abs(s.gain-want) > 1e-9 || s.gl != 30 || s.hl != 25 || s.nl != 100 {
		t.Fatalf("gain %v (left %v, %v, %d), want %v (30, 25, 100)", s.gain, s.gl, s.hl, s.nl, want)
	}
}
