package subgroup

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// BinomialUpper returns P(X >= k) for X ~ Binomial(n, p), through the
// regularized incomplete beta function: P(X >= k) = I_p(k, n-k+1).
func BinomialUpper(k, n int, p float64) float64 {
	switch {
	case k <= 0:
		return 1
	case k > n:
		return 0
	case p <= 0:
		return 0
	case p >= 1:
		return 1
	}
	return mathext.RegIncBeta(float64(k), float64(n-k+1), p)
}

// BinomialLower returns P(X <= k) for X ~ Binomial(n, p):
// P(X <= k) = I_{1-p}(n-k, k+1).
func BinomialLower(k, n int, p float64) float64 {
	switch {
	case k >= n:
		return 1
	case k < 0:
		return 0
	case p <= 0:
		return 1
	case p >= 1:
		return 0
	}
	return mathext.RegIncBeta(float64(n-k), float64(k+1), 1-p)
}

// WelchGreater returns the one-sided p-value of Welch's t-test that the mean
// of sample a (n1 values, sum s1, sum of squares q1) exceeds that of b.
// It returns NaN when a side has fewer than two values or no variance.
func WelchGreater(n1 int, s1, q1 float64, n2 int, s2, q2 float64) float64 {
	if n1 < 2 || n2 < 2 {
		return math.NaN()
	}
	m1, m2 := s1/float64(n1), s2/float64(n2)
	v1 := (q1 - s1*m1) / float64(n1-1)
	v2 := (q2 - s2*m2) / float64(n2-1)
	v1, v2 = math.Max(v1, 0), math.Max(v2, 0)
	a, b := v1/float64(n1), v2/float64(n2)
	if a+b == 0 {
		return math.NaN()
	}
	t := (m1 - m2) / math.Sqrt(a+b)
	df := (a + b) * (a + b) / (a*a/float64(n1-1) + b*b/float64(n2-1))
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Survival(t)
}

// Wilson returns the Wilson score interval for k successes in n trials at
// normal quantile z (1.959963984540054 for 95 %).
func Wilson(k, n int, z float64) (lo, hi float64) {
	if n == 0 {
		return 0, 1
	}
	p := float64(k) / float64(n)
	nf := float64(n)
	den := 1 + z*z/nf
	mid := (p + z*z/(2*nf)) / den
	half := z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf)) / den
	return math.Max(0, mid-half), math.Min(1, mid+half)
}

// Adjust returns the adjusted p-values of tests ps under correction c, in
// the order of ps (NaN counts as 1).
func Adjust(ps []float64, c Correction) []float64 {
	a := newAdjuster(ps, c)
	out := make([]float64, len(ps))
	for i, p := range ps {
		out[i] = a.adjust(p, c)
	}
	return out
}

// Chi2 returns Pearson's chi-square statistic (no continuity correction)
// of the 2x2 table of a subgroup of n rows with k positives against its
// complement, in a population of N rows with K positives; 0 when a margin
// is empty.
func Chi2(n, k, N, K int) float64 {
	if n == 0 || n == N || K == 0 || K == N {
		return 0
	}
	nf, kf, Nf, Kf := float64(n), float64(k), float64(N), float64(K)
	cells := [4]float64{kf, nf - kf, Kf - kf, Nf - nf - Kf + kf}
	exp := [4]float64{nf * Kf / Nf, nf * (Nf - Kf) / Nf, (Nf - nf) * Kf / Nf, (Nf - nf) * (Nf - Kf) / Nf}
	s := 0.0
	for i := range cells {
		d := cells[i] - exp[i]
		s += d * d / exp[i]
	}
	return s
}

// Correction is a multiple-testing correction.
type Correction string

const (
	// Holm's step-down method controls the family-wise error rate.
	Holm Correction = "holm"
	// BenjaminiHochberg controls the false discovery rate.
	BenjaminiHochberg Correction = "bh"
)

// adjuster maps a p-value of one of m tests to its adjusted value.
type adjuster struct {
	sorted []float64 // ascending
	adj    []float64 // adjusted value at each sorted position
}

// newAdjuster computes the adjusted p-values of all tests (NaN p-values
// count as 1).
func newAdjuster(ps []float64, c Correction) *adjuster {
	s := make([]float64, len(ps))
	for i, p := range ps {
		if math.IsNaN(p) {
			p = 1
		}
		s[i] = p
	}
	sort.Float64s(s)
	m := float64(len(s))
	adj := make([]float64, len(s))
	switch c {
	case BenjaminiHochberg:
		run := 1.0
		for i := len(s) - 1; i >= 0; i-- {
			run = math.Min(run, math.Min(1, m*s[i]/float64(i+1)))
			adj[i] = run
		}
	default: // Holm
		run := 0.0
		for i := range s {
			run = math.Max(run, math.Min(1, (m-float64(i))*s[i]))
			adj[i] = run
		}
	}
	return &adjuster{s, adj}
}

// adjust returns the adjusted value of p, one of the tests' p-values. Tied
// p-values share the adjustment of their first position for Holm and of
// their last for Benjamini-Hochberg, as the textbook procedures give.
func (a *adjuster) adjust(p float64, c Correction) float64 {
	if math.IsNaN(p) {
		p = 1
	}
	if len(a.sorted) == 0 {
		return p
	}
	if c == BenjaminiHochberg {
		i := sort.SearchFloat64s(a.sorted, math.Nextafter(p, math.Inf(1))) - 1
		return a.adj[max(i, 0)]
	}
	i := sort.SearchFloat64s(a.sorted, p)
	return a.adj[min(i, len(a.adj)-1)]
}

// MeanCI is a mean with its 95 % confidence interval (normal
// approximation: the sample standard deviation over the square root of n)
// and the number of values. With fewer than two values the interval is the
// mean itself (0 without values).
type MeanCI struct {
	Mean float64 `json:"mean"`
	Low  float64 `json:"low"`
	High float64 `json:"high"`
	N    int     `json:"n"`
}

// Mean is the mean of the values of x (NaN skipped) at the rows of b (all
// rows when b is nil) with its interval; false with fewer than two values.
func Mean(x []float64, b Bitset) (MeanCI, bool) {
	var n, mean, m2 float64
	for i, v := range x {
		if math.IsNaN(v) || b != nil && !b.Has(i) {
			continue
		}
		n++ // Welford
		d := v - mean
		mean += d / n
		m2 += d * (v - mean)
	}
	if n < 2 {
		return MeanCI{Mean: mean, Low: mean, High: mean, N: int(n)}, false
	}
	half := 1.959963984540054 * math.Sqrt(m2/(n-1)/n)
	return MeanCI{Mean: mean, Low: mean - half, High: mean + half, N: int(n)}, true
}
