package clv

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mathext"
)

// TestHyp2F1 compares the direct series with gonum's mathext.Hypergeo (the
// Cephes algorithm, an independent implementation) on the arguments the
// BG/NBD predictions use: r+x, b+x, a+b+x-1 and z = h/(α+T+h), over a grid
// that covers the CDNOW fit (r 0.24, a 0.79, b 2.4, weeks), a shop where
// nobody drops out (a ≈ 0, b ≈ 4·10⁴, days) and values in between.
func TestHyp2F1(t *testing.T) {
	worst := 0.0
	for _, p := range [][3]float64{{0.243, 0.793, 2.426}, {1.84, 3.8e-7, 42730}, {2, 1.5, 30}, {0.5, 3, 0.8}, {5, 0.2, 400}} {
		r, a, b := p[0], p[1], p[2]
		for _, x := range []float64{0, 1, 2, 5, 17, 60} {
			for _, z := range []float64{0, 1e-6, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9} {
				c := a + b + x - 1
				if c <= 0 {
					continue
				}
				got, want := hyp2f1(r+x, b+x, c, z), mathext.Hypergeo(r+x, b+x, c, z)
				rel := math.Abs(got-want) / math.Abs(want)
				worst = max(worst, rel)
				if !(rel < 1e-11) {
					t.Errorf("2F1(%g, %g; %g; %g) = %.17g, Hypergeo %.17g (relative difference %.2g)", r+x, b+x, c, z, got, want, rel)
				}
			}
		}
	}
	t.Logf("largest relative difference %.2g", worst)
}

func BenchmarkHyp2F1(b *testing.B) {
	// a shop where nearly nobody drops out, in days: z = 365/(158+500+365)
	for _, f := range []struct {
		name string
		fn   func(a, b, c, z float64) float64
	}{{"series", hyp2f1}, {"gonum", mathext.Hypergeo}} {
		b.Run(f.name, func(b *testing.B) {
			s := 0.0
			for b.Loop() {
				s += f.fn(1.84+4, 42730+4, 42730+4-1, 0.357)
			}
			_ = s
		})
	}
}

// TestSpendDataLogLikelihood checks the grouped Gamma-Gamma log-likelihood
// used by the fit against the plain sum over customers.
func TestSpendDataLogLikelihood(t *testing.T) {
	x := []float64{1, 2, 1, 5, 2, 7, 1, 3}
	z := []float64{35.5, 12, 80, 44.25, 19.99, 150, 3.5, 60}
	d := newSpendData(x, z)
	for _, p := range [][3]float64{{6.25, 3.74, 15.44}, {1.69, 3.85, 775.7}, {0.5, 1.2, 2}} {
		want := GammaGamma{p[0], p[1], p[2]}.LogLikelihood(x, z)
		got := d.logLikelihood(p[0], p[1], p[2], nil)
		if math.Abs(got-want) > 1e-10*math.Abs(want) {
			t.Errorf("%v: grouped %.15g, plain %.15g", p, got, want)
		}
	}
}

// TestGammaGammaGradient checks the analytic gradient of the Gamma-Gamma
// log-likelihood against central differences.
func TestGammaGammaGradient(t *testing.T) {
	x := []float64{1, 2, 1, 5, 2, 7, 1, 3}
	z := []float64{35.5, 12, 80, 44.25, 19.99, 150, 3.5, 60}
	d := newSpendData(x, z)
	for _, p := range [][]float64{{6.25, 3.74, 15.44}, {1.69, 3.85, 775.7}, {0.5, 1.2, 2}} {
		got := make([]float64, 3)
		ll := d.logLikelihood(p[0], p[1], p[2], got)
		if want := d.logLikelihood(p[0], p[1], p[2], nil); ll != want {
			t.Errorf("%v: log-likelihood %.15g with the gradient, %.15g without", p, ll, want)
		}
		want := fd.Gradient(nil, func(q []float64) float64 { return d.logLikelihood(q[0], q[1], q[2], nil) }, p, &fd.Settings{Formula: fd.Central, Step: 1e-6})
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-5*math.Max(1, math.Abs(want[i])) {
				t.Errorf("p %v: d/dp%d = %.8g, central differences %.8g", p, i, got[i], want[i])
			}
		}
	}
}
