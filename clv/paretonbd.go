package clv

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
)

// ParetoNBD is the Pareto/NBD model: while alive a customer buys at a
// Poisson rate λ ~ Gamma(R, Alpha), and dies after an exponential lifetime
// of rate μ ~ Gamma(S, Beta).
type ParetoNBD struct{ R, Alpha, S, Beta float64 }

// A fit with more than paretoGroups distinct customer histories and more
// than twice paretoSample customers runs its first search on a sample of
// paretoSample customers (variables for the tests).
var (
	paretoSample = 50_000
	paretoGroups = 20_000
)

// FitParetoNBD fits a Pareto/NBD model by maximum likelihood (Nelder-Mead,
// then BFGS on central differences; customers with the same (x, tx, T) are
// counted once with their number as weight). With many customers the
// Nelder-Mead search runs on a sample of paretoSample of them.
func FitParetoNBD(x, tx, t []float64, opt Options) (ParetoNBD, Fit, error) {
	if err := checkInputs(x, tx, t); err != nil {
		return ParetoNBD{}, Fit{}, err
	}
	g := groupRows(x, tx, t)
	llOf := func(g *rowGroups) func(p []float64) float64 {
		return func(p []float64) float64 {
			m := ParetoNBD{p[0], p[1], p[2], p[3]}
			return g.sum(nil, 0, func(i int, _ []float64) float64 { return g.w[i] * m.logL(g.x[i], g.tx[i], g.t[i]) })
		}
	}
	polish := false
	if n := len(x); len(g.x) > paretoGroups && n > 2*paretoSample && opt.Init == nil {
		// The search without gradient takes over a thousand likelihoods:
		// it runs on an evenly spaced sample of the customers, and the
		// full data only polishes its answer.
		step := n / paretoSample
		var sx, stx, st []float64
		for i := 0; i < n; i += step {
			sx, stx, st = append(sx, x[i]), append(stx, tx[i]), append(st, t[i])
		}
		so := opt
		so.Penalty = opt.Penalty * float64(len(sx)) / float64(n)
		if p, _, err := maximize(objective{ll: llOf(groupRows(sx, stx, st))}, 4, so); err == nil {
			opt.Init, polish = p, true
		}
	}
	p, evals, err := maximize(objective{ll: llOf(g), polish: polish}, 4, opt)
	if err != nil {
		return ParetoNBD{}, Fit{}, err
	}
	m := ParetoNBD{p[0], p[1], p[2], p[3]}
	return m, Fit{LogLikelihood: m.LogLikelihood(x, tx, t), N: len(x), Evaluations: evals}, nil
}

// logA0 is log A₀ of Fader & Hardie's note "A Note on Deriving the
// Pareto/NBD Model and Related Expressions" (2005), equations (19)–(20):
// with a₁ = r+s+x,
//
//	α ≥ β: A₀ = ₂F₁(a₁, s+1; a₁+1; (α-β)/(α+tx)) / (α+tx)^a₁ - ₂F₁(a₁, s+1; a₁+1; (α-β)/(α+T)) / (α+T)^a₁
//	α < β: A₀ = ₂F₁(a₁, r+x; a₁+1; (β-α)/(β+tx)) / (β+tx)^a₁ - ₂F₁(a₁, r+x; a₁+1; (β-α)/(β+T)) / (β+T)^a₁
//
// The difference is taken in log space; it is positive because the
// integrand it comes from is.
func (m ParetoNBD) logA0(x, tx, t float64) float64 {
	r, alpha, s, beta := m.R, m.Alpha, m.S, m.Beta
	a1 := r + s + x
	var b1, base float64
	if alpha >= beta {
		b1, base = s+1, alpha
	} else {
		b1, base = r+x, beta
	}
	d := math.Abs(alpha - beta)
	lf := func(u float64) float64 {
		return math.Log(mathext.Hypergeo(a1, b1, a1+1, d/(base+u))) - a1*math.Log(base+u)
	}
	return logSubExp(lf(tx), lf(t))
}

// logL is the log-likelihood of one customer, equation (22) of the note:
//
//	L = Γ(r+x)α^r β^s/Γ(r) · [ 1/((α+T)^(r+x) (β+T)^s) + s/(r+s+x) · A₀ ]
func (m ParetoNBD) logL(x, tx, t float64) float64 {
	r, alpha, s, beta := m.R, m.Alpha, m.S, m.Beta
	l := lgamma(r+x) - lgamma(r) + r*math.Log(alpha) + s*math.Log(beta)
	first := -(r+x)*math.Log(alpha+t) - s*math.Log(beta+t)
	return l + logAddExp(first, math.Log(s)-math.Log(r+s+x)+m.logA0(x, tx, t))
}

// LogLikelihood is the sum over customers of the log-likelihood of
// (x, tx, T).
func (m ParetoNBD) LogLikelihood(x, tx, t []float64) float64 {
	sum := 0.0
	for i := range x {
		sum += m.logL(x[i], tx[i], t[i])
	}
	return sum
}

// PAlive is the probability that a customer with history (x, tx, T) is
// still alive at T, equation (18) of Fader & Hardie's note:
//
//	P(alive) = 1 / (1 + s/(r+s+x) · (α+T)^(r+x) (β+T)^s · A₀)
func (m ParetoNBD) PAlive(x, tx, t float64) float64 {
	r, alpha, s, beta := m.R, m.Alpha, m.S, m.Beta
	lo := math.Log(s) - math.Log(r+s+x) + (r+x)*math.Log(alpha+t) + s*math.Log(beta+t) + m.logA0(x, tx, t)
	return 1 / (1 + math.Exp(lo))
}

// ExpectedPurchases is the expected number of purchases in (T, T+h] of a
// customer with history (x, tx, T) (Schmittlein et al. 1987, equation 22):
//
//	E[Y(h)] = (r+x)(β+T) / ((α+T)(s-1)) · [1 - ((β+T)/(β+T+h))^(s-1)] · P(alive)
//
// At s = 1 the limit (r+x)(β+T)/(α+T) · log((β+T+h)/(β+T)) is used.
func (m ParetoNBD) ExpectedPurchases(h, x, tx, t float64) float64 {
	r, alpha, s, beta := m.R, m.Alpha, m.S, m.Beta
	if h <= 0 {
		return 0
	}
	k := (r + x) * (beta + t) / (alpha + t)
	var f float64
	if math.Abs(s-1) < 1e-9 {
		f = math.Log((beta + t + h) / (beta + t))
	} else {
		f = -math.Expm1((s-1)*math.Log((beta+t)/(beta+t+h))) / (s - 1)
	}
	return k * f * m.PAlive(x, tx, t)
}

// Params returns the parameters by their names in the literature.
func (m ParetoNBD) Params() map[string]float64 {
	return map[string]float64{"r": m.R, "alpha": m.Alpha, "s": m.S, "beta": m.Beta}
}

func (m ParetoNBD) String() string {
	return fmt.Sprintf("Pareto/NBD r=%.4g alpha=%.4g s=%.4g beta=%.4g", m.R, m.Alpha, m.S, m.Beta)
}
