package cluster

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAdjustedRandIndex: values from scikit-learn's documentation of
// adjusted_rand_score, each also worked out by hand, and a 3x3 contingency
// table worked out by hand.
func TestAdjustedRandIndex(t *testing.T) {
	cases := []struct {
		name string
		a, b []int
		want float64
	}{
		// sklearn: 1.0
		{"identical", []int{0, 0, 1, 1}, []int{0, 0, 1, 1}, 1},
		// sklearn: 1.0 (renamed labels)
		{"renamed", []int{0, 0, 1, 1}, []int{1, 1, 0, 0}, 1},
		// sklearn: 0.57...  By hand: n_ij = {2, 1, 1}: Σ C(n_ij,2) = 1;
		// rows 2,1,1: Σ = 1; columns 2,2: Σ = 2; C(4,2) = 6; E = 1·2/6 = 1/3;
		// max = 3/2; ARI = (1 - 1/3)/(3/2 - 1/3) = 4/7.
		{"split", []int{0, 0, 1, 2}, []int{0, 0, 1, 1}, 4.0 / 7},
		{"merge", []int{0, 0, 1, 1}, []int{0, 0, 1, 2}, 4.0 / 7},
		// sklearn: 0.0. All together against all apart: Σ C(n_ij,2) = 0,
		// E = 6·0/6 = 0, max = 3: ARI = 0.
		{"together vs apart", []int{0, 0, 0, 0}, []int{0, 1, 2, 3}, 0},
		// sklearn: -0.5. n_ij all 1: index 0; Σ rows = Σ columns = 2;
		// E = 4/6; max = 2; ARI = (0 - 2/3)/(2 - 2/3) = -1/2.
		{"crossed", []int{0, 0, 1, 1}, []int{0, 1, 0, 1}, -0.5},
		// sklearn returns 1.0 when both put all rows together (0/0).
		{"both together", []int{3, 3, 3}, []int{7, 7, 7}, 1},
		{"both apart", []int{0, 1, 2}, []int{5, 6, 7}, 1},
		{"empty", nil, nil, 1},
		{"one row", []int{4}, []int{9}, 1},
		// Contingency table (rows a, columns b), n = 15:
		//	      b0 b1 b2
		//	a0  [  5  1  0 ]  6
		//	a1  [  1  4  1 ]  6
		//	a2  [  0  0  3 ]  3
		//	       6  5  4
		// Σ C(n_ij,2) = 10 + 6 + 3 = 19; rows: 15 + 15 + 3 = 33;
		// columns: 15 + 10 + 6 = 31; C(15,2) = 105; E = 33·31/105 = 1023/105;
		// max = 32; ARI = (19 - 1023/105)/(32 - 1023/105) = 972/2337
		// = 324/779 = 0.41592...
		{"3x3 table", table3x3a, table3x3b, 324.0 / 779},
		// Negative labels are labels like any other.
		{"negative labels", []int{-1, -1, 5, 5}, []int{2, 2, -7, -7}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := AdjustedRandIndex(c.a, c.b); !near(got, c.want, 1e-12) {
				t.Errorf("ARI = %v, want %v", got, c.want)
			}
		})
	}
}

// The rows of the 3x3 table above, in a shuffled order.
var table3x3a, table3x3b = func() ([]int, []int) {
	counts := [3][3]int{{5, 1, 0}, {1, 4, 1}, {0, 0, 3}}
	var a, b []int
	for i := range 3 {
		for j := range 3 {
			for range counts[i][j] {
				a = append(a, i)
				b = append(b, 10+j)
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 1))
	rng.Shuffle(len(a), func(i, j int) { a[i], a[j] = a[j], a[i]; b[i], b[j] = b[j], b[i] })
	return a, b
}()

// pairARI computes the ARI by counting pairs of rows, as scikit-learn's
// adjusted_rand_score does through its pair confusion matrix:
// ARI = 2(tp·tn - fn·fp) / ((tp+fn)(fn+tn) + (tp+fp)(fp+tn)).
func pairARI(a, b []int) float64 {
	var tp, fp, fn, tn float64
	for i := range a {
		for j := i + 1; j < len(a); j++ {
			sa, sb := a[i] == a[j], b[i] == b[j]
			switch {
			case sa && sb:
				tp++
			case sa:
				fn++
			case sb:
				fp++
			default:
				tn++
			}
		}
	}
	if fn == 0 && fp == 0 {
		return 1
	}
	return 2 * (tp*tn - fn*fp) / ((tp+fn)*(fn+tn) + (tp+fp)*(fp+tn))
}

// TestAdjustedRandIndexPairs: against counting pairs, on random labelings,
// some related and some not.
func TestAdjustedRandIndexPairs(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for trial := range 200 {
		n := 1 + rng.IntN(60)
		ka, kb := 1+rng.IntN(5), 1+rng.IntN(7)
		a, b := make([]int, n), make([]int, n)
		for i := range n {
			a[i] = rng.IntN(ka)
			b[i] = rng.IntN(kb)
			if trial%2 == 0 && rng.Float64() < 0.7 {
				b[i] = a[i] // related
			}
		}
		if got, want := AdjustedRandIndex(a, b), pairARI(a, b); !near(got, want, 1e-12) {
			t.Fatalf("trial %d: ARI %v, pair counting %v (a %v, b %v)", trial, got, want, a, b)
		}
	}
}

// TestAdjustedRandIndexChance: independent labelings score near 0,
// a labeling with itself 1.
func TestAdjustedRandIndexChance(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	n := 20000
	a, b := make([]int, n), make([]int, n)
	for i := range n {
		a[i], b[i] = rng.IntN(4), rng.IntN(6)
	}
	if got := AdjustedRandIndex(a, b); math.Abs(got) > 0.005 {
		t.Errorf("independent labels: ARI %v, want near 0", got)
	}
	if got := AdjustedRandIndex(a, a); got != 1 {
		t.Errorf("identity: ARI %v, want 1", got)
	}
	// Many labels (the map path of the contingency table).
	for i := range n {
		a[i], b[i] = rng.IntN(3000), rng.IntN(3000)
	}
	if got := AdjustedRandIndex(a, b); math.Abs(got) > 0.005 {
		t.Errorf("independent labels, 3000 values each: ARI %v, want near 0", got)
	}
	// The map path against pair counting: 2100 pairs of rows, a tenth of
	// the rows moved to another label in b.
	a, b = make([]int, 4200), make([]int, 4200)
	for i := range a {
		a[i], b[i] = i/2, i/2
		if rng.Float64() < 0.1 {
			b[i] = rng.IntN(2200)
		}
	}
	if got, want := AdjustedRandIndex(a, b), pairARI(a, b); !near(got, want, 1e-12) {
		t.Errorf("2100 labels: ARI %v, pair counting %v", got, want)
	}
}

func TestAdjustedRandIndexPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for labels of different lengths")
		}
	}()
	AdjustedRandIndex([]int{1, 2}, []int{1})
}
