package clv

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// simulateBGNBD draws n customers from the BG/NBD process itself (the
// independent source of truth for recovery): rate λ ~ Gamma(r, α), dropout
// p ~ Beta(a, b), exponential gaps at rate λ, a coin of p after each
// purchase; each customer is observed for T ~ U(tMin, tMax) after a first
// purchase at time 0, on whole days (time in weeks, a day is 1/7).
func simulateBGNBD(m BGNBD, n int, tMin, tMax float64, seed uint64) (x, tx, t []float64) {
	src := rand.NewPCG(seed, 1)
	rng := rand.New(src)
	lam := distuv.Gamma{Alpha: m.R, Beta: m.Alpha, Src: src}
	drop := distuv.Beta{Alpha: m.A, Beta: m.B, Src: src}
	x, tx, t = make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		T := math.Floor((tMin+rng.Float64()*(tMax-tMin))*7) / 7
		l, p := lam.Rand(), drop.Rand()
		now, last, k := 0.0, 0.0, 0
		for {
			now += rng.ExpFloat64() / l
			if now > T {
				break
			}
			// Whole days, as a summary counts them; a second purchase
			// on the same day is the same purchase.
			if d := math.Floor(now*7) / 7; d > last || k == 0 && d > 0 {
				k++
				last = d
			}
			if rng.Float64() < p {
				break
			}
		}
		x[i], tx[i], t[i] = float64(k), last, T
		if k == 0 {
			tx[i] = 0
		}
	}
	return x, tx, t
}

// TestBGNBDRecovers fits customers simulated from known parameters and
// finds them again (within what 40,000 customers allow).
func TestBGNBDRecovers(t *testing.T) {
	want := BGNBD{0.243, 4.414, 0.793, 2.426}
	x, tx, T := simulateBGNBD(want, 40000, 20, 80, 1)
	m, fit, err := FitBGNBD(x, tx, T, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("recovered %v (LL %.1f, %d evaluations)", m, fit.LogLikelihood, fit.Evaluations)
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"r", m.R, want.R}, {"alpha", m.Alpha, want.Alpha}, {"a", m.A, want.A}, {"b", m.B, want.B}} {
		if math.Abs(c.got-c.want) > 0.15*c.want {
			t.Errorf("%s = %.4g, simulated with %.4g", c.name, c.got, c.want)
		}
	}
	if ll := want.LogLikelihood(x, tx, T); fit.LogLikelihood < ll {
		t.Errorf("fitted LL %.2f below the LL at the true parameters %.2f", fit.LogLikelihood, ll)
	}
}

func TestInputsChecked(t *testing.T) {
	for _, c := range []struct{ x, tx, t []float64 }{
		{[]float64{1.5}, []float64{1}, []float64{2}},
		{[]float64{1}, []float64{3}, []float64{2}},
		{[]float64{0}, []float64{1}, []float64{2}},
		{[]float64{-1}, []float64{0}, []float64{2}},
		{[]float64{1, 2}, []float64{1}, []float64{2}},
		{nil, nil, nil},
	} {
		if _, _, err := FitBGNBD(c.x, c.tx, c.t, Options{}); err == nil {
			t.Errorf("x %v tx %v T %v: no error", c.x, c.tx, c.t)
		}
	}
}

// TestPredictionsConsistent checks the predictions against each other and
// their limits: P(alive) is 1 without repeat purchases and falls with the
// time since the last one; expected purchases grow with the horizon; CLV
// with no discount over one month equals one month's purchases times spend.
func TestPredictionsConsistent(t *testing.T) {
	bg := BGNBD{0.243, 4.414, 0.793, 2.426}
	pn := ParetoNBD{0.553, 10.578, 0.606, 11.669}
	for _, m := range []PurchaseModel{bg, pn} {
		if m.PAlive(3, 30, 31) <= m.PAlive(3, 5, 31) {
			t.Errorf("%v: P(alive) does not fall with the time since the last purchase", m)
		}
		prev := 0.0
		for _, h := range []float64{1, 10, 39, 100} {
			e := m.ExpectedPurchases(h, 2, 30.43, 38.86)
			if !(e > prev) {
				t.Errorf("%v: E[Y(%v)] = %v not above %v", m, h, e, prev)
			}
			prev = e
		}
		one := CLV(m, 2, 30.43, 38.86, 20, 1, 0, 30.0/7)
		if want := 20 * m.ExpectedPurchases(30.0/7, 2, 30.43, 38.86); math.Abs(one-want) > 1e-12 {
			t.Errorf("%v: one-month CLV %v want %v", m, one, want)
		}
	}
	if bg.PAlive(0, 0, 38) != 1 {
		t.Error("BG/NBD P(alive) without repeat purchases is not 1")
	}
	gg := GammaGamma{6.25, 3.74, 15.44}
	if got, want := gg.ExpectedSpend(0, 0), 6.25*15.44/2.74; math.Abs(got-want) > 1e-12 {
		t.Errorf("population mean spend %v want %v", got, want)
	}
}

// BenchmarkFitBGNBD fits a million simulated customers (time in weeks,
// observed on whole days for 1 to 78 weeks).
func BenchmarkFitBGNBD(b *testing.B) {
	x, tx, T := simulateBGNBD(BGNBD{0.243, 4.414, 0.793, 2.426}, 1_000_000, 1, 78, 2)
	b.ResetTimer()
	evals := 0
	for b.Loop() {
		_, fit, err := FitBGNBD(x, tx, T, Options{})
		if err != nil {
			b.Fatal(err)
		}
		evals = fit.Evaluations
	}
	b.ReportMetric(float64(evals), "evaluations")
}

// TestParetoNBDByIntegration checks the Pareto/NBD closed forms (the
// likelihood with its hypergeometric A₀, P(alive) and the conditional
// expectation) against a direct numerical integration over the customer's
// purchase rate λ and death rate μ (Schmittlein et al. 1987, the model's
// definition): the individual likelihood
//
//	L(λ, μ) = λ^x e^-(λ+μ)T + λ^x μ/(λ+μ) (e^-(λ+μ)tx - e^-(λ+μ)T)
//
// integrated against the gamma mixing densities on a fine grid in log λ and
// log μ.
func TestParetoNBDByIntegration(t *testing.T) {
	m := ParetoNBD{0.553, 10.578, 0.606, 11.669}
	lam := distuv.Gamma{Alpha: m.R, Beta: m.Alpha}
	mu := distuv.Gamma{Alpha: m.S, Beta: m.Beta}
	for _, c := range []struct{ x, tx, T, h float64 }{{2, 30.43, 38.86, 39}, {0, 0, 38.86, 39}, {7, 35, 38, 10}, {1, 2, 30, 52}} {
		var marg, alive, expect float64
		const lo, hi, steps = -25.0, 6.0, 800
		du := (hi - lo) / steps
		for i := range steps {
			l := math.Exp(lo + (float64(i)+0.5)*du)
			wl := lam.Prob(l) * l * du // density in log λ
			for j := range steps {
				u := math.Exp(lo + (float64(j)+0.5)*du)
				w := wl * mu.Prob(u) * u * du
				aliveT := math.Pow(l, c.x) * math.Exp(-(l+u)*c.T)
				died := math.Pow(l, c.x) * u / (l + u) * (math.Exp(-(l+u)*c.tx) - math.Exp(-(l+u)*c.T))
				marg += w * (aliveT + died)
				alive += w * aliveT
				expect += w * aliveT * l / u * -math.Expm1(-u*c.h)
			}
		}
		if got, want := m.logL(c.x, c.tx, c.T), math.Log(marg); math.Abs(got-want) > 1e-4*math.Abs(want) {
			t.Errorf("%+v: log L %.8g, integrated %.8g", c, got, want)
		}
		if got, want := m.PAlive(c.x, c.tx, c.T), alive/marg; math.Abs(got-want) > 1e-4 {
			t.Errorf("%+v: P(alive) %.8g, integrated %.8g", c, got, want)
		}
		if got, want := m.ExpectedPurchases(c.h, c.x, c.tx, c.T), expect/marg; math.Abs(got-want) > 1e-3*want {
			t.Errorf("%+v: E[Y(%v)] %.8g, integrated %.8g", c, c.h, got, want)
		}
	}
}

// TestParetoNBDSampledSearch checks that a large Pareto/NBD fit, whose
// search starts on a sample of the customers and is polished on all of
// them, ends where the search on all of them does.
func TestParetoNBDSampledSearch(t *testing.T) {
	x, tx, T := simulateBGNBD(BGNBD{0.243, 4.414, 0.793, 2.426}, 5000, 1, 78, 4)
	full, ff, err := FitParetoNBD(x, tx, T, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func(s, g int) { paretoSample, paretoGroups = s, g }(paretoSample, paretoGroups)
	paretoSample, paretoGroups = 1200, 500
	sampled, sf, err := FitParetoNBD(x, tx, T, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("full %v LL %.4f (%d evaluations); sampled %v LL %.4f (%d on all customers)", full, ff.LogLikelihood, ff.Evaluations,
		sampled, sf.LogLikelihood, sf.Evaluations)
	if math.Abs(sf.LogLikelihood-ff.LogLikelihood) > 1e-4 {
		t.Errorf("LL %.6f with the sampled search, %.6f without", sf.LogLikelihood, ff.LogLikelihood)
	}
	for i, p := range [][2]float64{{sampled.R, full.R}, {sampled.Alpha, full.Alpha}, {sampled.S, full.S}, {sampled.Beta, full.Beta}} {
		if math.Abs(p[0]-p[1]) > 2e-3*p[1] {
			t.Errorf("parameter %d: %v with the sampled search, %v without", i, p[0], p[1])
		}
	}
}
