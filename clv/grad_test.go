package clv

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
)

// TestBGNBDGradient checks the analytic gradient against central
// differences of the log-likelihood.
func TestBGNBDGradient(t *testing.T) {
	x := []float64{0, 1, 2, 5, 0, 3, 1}
	tx := []float64{0, 3.5, 10, 30, 0, 12, 0.5}
	T := []float64{20, 20, 38, 38.86, 5, 15, 1}
	g := groupRows(x, tx, T)
	for _, p := range [][]float64{{0.243, 4.414, 0.793, 2.426}, {1, 1, 1, 1}, {2.5, 0.3, 4, 0.7}} {
		got := make([]float64, 4)
		g.bgnbd(p, got)
		want := fd.Gradient(nil, func(q []float64) float64 { return g.bgnbd(q, nil) }, p, &fd.Settings{Formula: fd.Central, Step: 1e-6})
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-5*math.Max(1, math.Abs(want[i])) {
				t.Errorf("p %v: d/dp%d = %.8g, central differences %.8g", p, i, got[i], want[i])
			}
		}
		if ll, want := g.bgnbd(p, nil), (BGNBD{p[0], p[1], p[2], p[3]}).LogLikelihood(x, tx, T); math.Abs(ll-want) > 1e-9*math.Abs(want) {
			t.Errorf("p %v: grouped LL %.10g, plain %.10g", p, ll, want)
		}
	}
}
