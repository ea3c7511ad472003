package clv

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
)

// BGNBD is the beta-geometric/NBD model: while alive a customer buys at a
// Poisson rate λ ~ Gamma(R, Alpha) (shape, rate), and after each purchase
// drops out with probability p ~ Beta(A, B).
type BGNBD struct{ R, Alpha, A, B float64 }

// FitBGNBD fits a BG/NBD model by maximum likelihood. Customers with the
// same (x, tx, T) are counted once with their number as weight, and the
// search uses the likelihood's analytic gradient (BFGS), so a million
// customers fit in seconds.
func FitBGNBD(x, tx, t []float64, opt Options) (BGNBD, Fit, error) {
	if err := checkInputs(x, tx, t); err != nil {
		return BGNBD{}, Fit{}, err
	}
	g := groupRows(x, tx, t)
	if len(g.x) > 100_000 && opt.Init == nil {
		// Start from the fit of an evenly spaced sample of the groups: the
		// full data then needs only the last few iterations.
		sub := g.sample(50_000)
		so := opt
		so.Penalty = opt.Penalty * float64(sub.size()) / float64(g.size())
		if p, _, err := maximize(objective{
			ll:   func(p []float64) float64 { return sub.bgnbd(p, nil) },
			grad: func(p, grad []float64) float64 { return sub.bgnbd(p, grad) },
		}, 4, so); err == nil {
			opt.Init = p
		}
	}
	obj := objective{
		ll:   func(p []float64) float64 { return g.bgnbd(p, nil) },
		grad: func(p, grad []float64) float64 { return g.bgnbd(p, grad) },
	}
	p, evals, err := maximize(obj, 4, opt)
	if err != nil {
		return BGNBD{}, Fit{}, err
	}
	m := BGNBD{p[0], p[1], p[2], p[3]}
	return m, Fit{LogLikelihood: g.bgnbd(p, nil), N: len(x), Evaluations: evals}, nil
}

// bgnbd is the BG/NBD log-likelihood of the grouped customers at p = (r,
// α, a, b), and when grad is not nil its gradient in p. With the weight
// w = e^B/(e^A+e^B) of the second term of a customer's likelihood (A, B as
// in LogLikelihood),
//
//	∂/∂r = ψ(r+x) - ψ(r) + log α - (1-w) log(α+T) - w log(α+tx)
//	∂/∂α = r/α - (r+x) [(1-w)/(α+T) + w/(α+tx)]
//	∂/∂a = ψ(a+b) - ψ(a+b+x) + w/a
//	∂/∂b = ψ(a+b) - ψ(b) + ψ(b+x) - ψ(a+b+x) - w/(b+x-1)
func (g *rowGroups) bgnbd(p, grad []float64) float64 {
	r, alpha, a, b := p[0], p[1], p[2], p[3]
	// Per distinct x: the terms that depend on x and the parameters only.
	type perX struct{ l, lb1, dr, da, db float64 }
	px := make([]perX, len(g.xs))
	lalpha := math.Log(alpha)
	base := -lgamma(r) + r*lalpha + lgamma(a+b) - lgamma(b)
	var psiR, psiAB, psiB float64
	if grad != nil {
		psiR, psiAB, psiB = mathext.Digamma(r), mathext.Digamma(a+b), mathext.Digamma(b)
	}
	for k, x := range g.xs {
		e := &px[k]
		e.l = base + lgamma(r+x) + lgamma(b+x) - lgamma(a+b+x)
		if x > 0 {
			e.lb1 = math.Log(a) - math.Log(b+x-1)
		}
		if grad != nil {
			e.dr = mathext.Digamma(r+x) - psiR + lalpha
			e.da = psiAB - mathext.Digamma(a+b+x)
			e.db = psiAB - psiB + mathext.Digamma(b+x) - mathext.Digamma(a+b+x)
		}
	}
	// log(α+T) and log(α+tx) per distinct time.
	lTs, lTxs := make([]float64, len(g.ts)), make([]float64, len(g.txs))
	for k, v := range g.ts {
		lTs[k] = math.Log(alpha + v)
	}
	for k, v := range g.txs {
		lTxs[k] = math.Log(alpha + v)
	}
	return g.sum(grad, 4, func(i int, gr []float64) float64 {
		x, w0 := g.x[i], g.w[i]
		e := &px[g.xi[i]]
		lT := lTs[g.ti[i]]
		first := -(r + x) * lT
		ll, w := first, 0.0
		var lTx float64
		if x > 0 {
			lTx = lTxs[g.txi[i]]
			second := e.lb1 - (r+x)*lTx
			// log(e^first + e^second) and w = e^second / (that), with one
			// exponential.
			if d := second - first; d > 0 {
				q := math.Exp(-d)
				ll, w = second+math.Log1p(q), 1/(1+q)
			} else {
				q := math.Exp(d)
				ll, w = first+math.Log1p(q), q/(1+q)
			}
		}
		if gr != nil {
			gr[0] += w0 * (e.dr - (1-w)*lT - w*lTx)
			gr[1] += w0 * (r/alpha - (r+x)*((1-w)/(alpha+g.t[i])+w/(alpha+g.tx[i])))
			if x > 0 {
				gr[2] += w0 * (e.da + w/a)
				gr[3] += w0 * (e.db - w/(b+x-1))
			} else {
				gr[2] += w0 * e.da
				gr[3] += w0 * e.db
			}
		}
		return w0 * (e.l + ll)
	})
}

// LogLikelihood is the sum over customers of the log-likelihood of
// (x, tx, T), equation (6) of Fader, Hardie & Lee (2005):
//
//	L = B(a,b+x)/B(a,b) · Γ(r+x)α^r/Γ(r) · [ (α+T)^-(r+x) + δ(x>0) a/(b+x-1) (α+tx)^-(r+x) ]
func (m BGNBD) LogLikelihood(x, tx, t []float64) float64 {
	r, alpha, a, b := m.R, m.Alpha, m.A, m.B
	base := -lgamma(r) + r*math.Log(alpha) - lbeta(a, b)
	sum := 0.0
	for i := range x {
		xi := x[i]
		l := lgamma(r+xi) + lbeta(a, b+xi) + base
		term := -(r + xi) * math.Log(alpha+t[i])
		if xi > 0 {
			term = logAddExp(term, math.Log(a)-math.Log(b+xi-1)-(r+xi)*math.Log(alpha+tx[i]))
		}
		sum += l + term
	}
	return sum
}

// PAlive is the probability that a customer with history (x, tx, T) is
// still alive at T, equation (A10) of the paper's appendix.
func (m BGNBD) PAlive(x, tx, t float64) float64 {
	if x == 0 {
		return 1
	}
	// 1 / (1 + a/(b+x-1) · ((α+T)/(α+tx))^(r+x)), in log space.
	lo := math.Log(m.A) - math.Log(m.B+x-1) + (m.R+x)*(math.Log(m.Alpha+t)-math.Log(m.Alpha+tx))
	return 1 / (1 + math.Exp(lo))
}

// ExpectedPurchases is the expected number of purchases in (T, T+h] of a
// customer with history (x, tx, T), equation (10) of the paper:
//
//	E[Y(h)] = (a+b+x-1)/(a-1) · [1 - ((α+T)/(α+T+h))^(r+x) ₂F₁(r+x, b+x; a+b+x-1; h/(α+T+h))]
//	          / [1 + δ(x>0) a/(b+x-1) ((α+T)/(α+tx))^(r+x)]
//
// It holds for A ≠ 1 (both factors change sign at 1) and returns NaN at
// exactly A = 1.
func (m BGNBD) ExpectedPurchases(h, x, tx, t float64) float64 {
	r, alpha, a, b := m.R, m.Alpha, m.A, m.B
	if a == 1 {
		return math.NaN()
	}
	if h <= 0 {
		return 0
	}
	z := h / (alpha + t + h)
	f := hyp2f1(r+x, b+x, a+b+x-1, z)
	num := (a + b + x - 1) / (a - 1) * (1 - math.Exp((r+x)*math.Log((alpha+t)/(alpha+t+h)))*f)
	return num * m.PAlive(x, tx, t)
}

// ExpectedPurchasesNew is the expected number of purchases in a period of
// length h of a customer just acquired (equation 9 of the paper).
func (m BGNBD) ExpectedPurchasesNew(h float64) float64 {
	r, alpha, a, b := m.R, m.Alpha, m.A, m.B
	if a == 1 {
		return math.NaN()
	}
	z := h / (alpha + h)
	return (a + b - 1) / (a - 1) * (1 - math.Pow(alpha/(alpha+h), r)*hyp2f1(r, b, a+b-1, z))
}

// Params returns the parameters by their names in the literature.
func (m BGNBD) Params() map[string]float64 {
	return map[string]float64{"r": m.R, "alpha": m.Alpha, "a": m.A, "b": m.B}
}

func (m BGNBD) String() string {
	return fmt.Sprintf("BG/NBD r=%.4g alpha=%.4g a=%.4g b=%.4g", m.R, m.Alpha, m.A, m.B)
}
