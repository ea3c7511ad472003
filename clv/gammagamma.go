package clv

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
)

// GammaGamma is the Gamma-Gamma model of spend: a customer's purchases are
// Gamma(P, ν) in value with ν ~ Gamma(Q, Gamma) across customers, so the
// mean of x purchases is Gamma(Px, νx).
type GammaGamma struct{ P, Q, Gamma float64 }

// FitGammaGamma fits a Gamma-Gamma model by maximum likelihood on the
// customers with at least one repeat purchase (x > 0); z is the mean value
// of their repeat purchases. Customers with x = 0 are skipped; a customer
// with x > 0 must have z > 0.
func FitGammaGamma(x, z []float64, opt Options) (GammaGamma, Fit, error) {
	if len(x) != len(z) {
		return GammaGamma{}, Fit{}, fmt.Errorf("clv: inputs of different lengths (x %d, z %d)", len(x), len(z))
	}
	var xs, zs []float64
	for i := range x {
		if x[i] > 0 {
			if !(z[i] > 0) || math.IsInf(z[i], 0) {
				return GammaGamma{}, Fit{}, fmt.Errorf("clv: customer %d: mean repeat spend %v must be > 0", i, z[i])
			}
			xs, zs = append(xs, x[i]), append(zs, z[i])
		}
	}
	if len(xs) == 0 {
		return GammaGamma{}, Fit{}, ErrNoData
	}
	d := newSpendData(xs, zs)
	ll := func(p []float64) float64 { return d.logLikelihood(p[0], p[1], p[2], nil) }
	grad := func(p, g []float64) float64 { return d.logLikelihood(p[0], p[1], p[2], g) }
	p, evals, err := maximize(objective{ll: ll, grad: grad}, 3, opt)
	if err != nil {
		return GammaGamma{}, Fit{}, err
	}
	m := GammaGamma{p[0], p[1], p[2]}
	return m, Fit{LogLikelihood: m.LogLikelihood(xs, zs), N: len(xs), Evaluations: evals}, nil
}

// LogLikelihood is the sum over customers with x > 0 of the log density of
// their mean spend z (Fader, Hardie & Lee 2005, "RFM and CLV", equation 3):
//
//	f(z | x) = Γ(px+q)/(Γ(px)Γ(q)) · γ^q z^(px-1) x^(px) / (γ+xz)^(px+q)
func (m GammaGamma) LogLikelihood(x, z []float64) float64 {
	p, q, g := m.P, m.Q, m.Gamma
	sum := 0.0
	for i := range x {
		if x[i] <= 0 {
			continue
		}
		px := p * x[i]
		sum += lgamma(px+q) - lgamma(px) - lgamma(q) + q*math.Log(g) + (px-1)*math.Log(z[i]) + px*math.Log(x[i]) -
			(px+q)*math.Log(g+x[i]*z[i])
	}
	return sum
}

// spendData holds what the Gamma-Gamma log-likelihood needs of the
// customers, computed once per fit: the customers grouped by their number
// of repeat purchases x (few distinct values) with the count and the sum of
// log z of each group, and x·z per customer. An evaluation then costs one
// logarithm per customer and a few log-gamma calls per distinct x, instead
// of three log-gamma calls and four logarithms per customer.
type spendData struct {
	x, n, sumLogZ []float64 // per distinct x
	xs, xz        []float64 // per customer
}

func newSpendData(xs, zs []float64) *spendData {
	d := &spendData{xs: xs, xz: make([]float64, len(xs))}
	group := map[float64]int{}
	for i, x := range xs {
		d.xz[i] = x * zs[i]
		g, ok := group[x]
		if !ok {
			g = len(d.x)
			group[x] = g
			d.x, d.n, d.sumLogZ = append(d.x, x), append(d.n, 0), append(d.sumLogZ, 0)
		}
		d.n[g]++
		d.sumLogZ[g] += math.Log(zs[i])
	}
	return d
}

// logLikelihood equals GammaGamma{p, q, g}.LogLikelihood of the customers
// (TestSpendDataLogLikelihood). With grad not nil it also sets grad to the
// derivatives by p, q and g (TestGammaGammaGradient):
//
//	∂/∂p = Σ x (ψ(px+q) - ψ(px) + log x + log z - log(g+xz))
//	∂/∂q = Σ ψ(px+q) - ψ(q) + log g - log(g+xz)
//	∂/∂g = Σ q/g - (px+q)/(g+xz)
func (d *spendData) logLikelihood(p, q, g float64, grad []float64) float64 {
	sum := 0.0
	lq, lg := lgamma(q), math.Log(g)
	var dp, dq, dg, psiQ float64
	if grad != nil {
		psiQ = mathext.Digamma(q)
	}
	for k, x := range d.x {
		px := p * x
		sum += d.n[k]*(lgamma(px+q)-lgamma(px)-lq+q*lg+px*math.Log(x)) + (px-1)*d.sumLogZ[k]
		if grad != nil {
			psiPXQ := mathext.Digamma(px + q)
			dp += d.n[k]*x*(psiPXQ-mathext.Digamma(px)+math.Log(x)) + x*d.sumLogZ[k]
			dq += d.n[k] * (psiPXQ - psiQ + lg)
			dg += d.n[k] * q / g
		}
	}
	if grad == nil {
		for i, x := range d.xs {
			sum -= (p*x + q) * math.Log(g+d.xz[i])
		}
		return sum
	}
	for i, x := range d.xs {
		l := math.Log(g + d.xz[i])
		sum -= (p*x + q) * l
		dp -= x * l
		dq -= l
		dg -= (p*x + q) / (g + d.xz[i])
	}
	grad[0], grad[1], grad[2] = dp, dq, dg
	return sum
}

// ExpectedSpend is the expected value of a future purchase of a customer
// with x repeat purchases of mean value z (equation 5 of the paper):
//
//	E[Z | z, x] = p(γ + xz) / (px + q - 1)
//
// For x = 0 it is the population mean pγ/(q-1). It needs Q > 1 and returns
// NaN otherwise.
func (m GammaGamma) ExpectedSpend(x, z float64) float64 {
	if m.Q <= 1 {
		return math.NaN()
	}
	if x <= 0 {
		return m.P * m.Gamma / (m.Q - 1)
	}
	return m.P * (m.Gamma + x*z) / (m.P*x + m.Q - 1)
}

// Params returns the parameters by their names in the literature.
func (m GammaGamma) Params() map[string]float64 {
	return map[string]float64{"p": m.P, "q": m.Q, "gamma": m.Gamma}
}

func (m GammaGamma) String() string {
	return fmt.Sprintf("Gamma-Gamma p=%.4g q=%.4g gamma=%.4g", m.P, m.Q, m.Gamma)
}

// PurchaseModel is a fitted model of future purchases (BGNBD or ParetoNBD).
type PurchaseModel interface {
	ExpectedPurchases(h, x, tx, t float64) float64
	PAlive(x, tx, t float64) float64
	Params() map[string]float64
}

// CLV is the discounted value of a customer's purchases over the next
// months: the sum over months i = 1..months of the purchases expected in
// month i times spend, divided by (1+discount)^i. unitsPerMonth converts
// months to the model's time unit (30 for days, 30/7 for weeks: lifetimes'
// convention of 30-day months).
func CLV(m PurchaseModel, x, tx, t, spend float64, months int, discount, unitsPerMonth float64) float64 {
	total, prev := 0.0, 0.0
	for i := 1; i <= months; i++ {
		cur := m.ExpectedPurchases(float64(i)*unitsPerMonth, x, tx, t)
		total += (cur - prev) * spend / math.Pow(1+discount, float64(i))
		prev = cur
	}
	return total
}
