package clv

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/optimize"
)

// Options tune a fit. The zero value is valid.
type Options struct {
	// Penalty is the L2 penalty: the fit maximises the log-likelihood minus
	// Penalty × the sum of the squared parameters (0: plain maximum
	// likelihood).
	Penalty float64
	// Init are the starting parameters in the model's order; nil starts
	// every parameter at 1 (as lifetimes does).
	Init []float64
}

// Fit describes how a fit ended.
type Fit struct {
	// LogLikelihood is the log-likelihood of the data at the fitted
	// parameters, without the penalty.
	LogLikelihood float64
	// N is the number of customers the fit used.
	N int
	// Evaluations counts the log-likelihood evaluations.
	Evaluations int
}

// ErrNoData is returned when there are no customers to fit on.
var ErrNoData = errors.New("clv: no customers to fit on")

// checkInputs validates the BTYD inputs of one customer set.
func checkInputs(x, tx, t []float64) error {
	if len(x) != len(tx) || len(x) != len(t) {
		return fmt.Errorf("clv: inputs of different lengths (x %d, tx %d, T %d)", len(x), len(tx), len(t))
	}
	if len(x) == 0 {
		return ErrNoData
	}
	for i := range x {
		switch {
		case !(x[i] >= 0) || math.IsInf(x[i], 0) || x[i] != math.Trunc(x[i]):
			return fmt.Errorf("clv: customer %d: frequency %v is not a whole number ≥ 0", i, x[i])
		case !(tx[i] >= 0) || !(t[i] >= 0) || math.IsInf(t[i], 0):
			return fmt.Errorf("clv: customer %d: recency %v and T %v must satisfy 0 ≤ recency ≤ T", i, tx[i], t[i])
		case tx[i] > t[i]*(1+1e-12):
			return fmt.Errorf("clv: customer %d: recency %v is after T %v", i, tx[i], t[i])
		case x[i] == 0 && tx[i] != 0:
			return fmt.Errorf("clv: customer %d: recency %v without a repeat purchase (it must be 0)", i, tx[i])
		}
	}
	return nil
}

// objective is a log-likelihood to maximise over positive parameters: ll
// evaluates it; grad, when not nil, evaluates it and writes its gradient in
// the parameters to its second argument.
type objective struct {
	ll   func(p []float64) float64
	grad func(p, grad []float64) float64
	// polish: Init is already close (the fit of a sample), so a search
	// without gradient skips Nelder-Mead and only polishes by BFGS.
	polish bool
}

// maximize finds the parameters (all positive) that maximise the objective
// minus the L2 penalty, searching over their logarithms: by BFGS when the
// objective has a gradient, else (or when BFGS fails) by Nelder-Mead
// polished by BFGS on a central-difference gradient.
func maximize(o objective, k int, opt Options) ([]float64, int, error) {
	init := make([]float64, k)
	for i := range init {
		init[i] = 0 // log 1
		if opt.Init != nil {
			if len(opt.Init) != k || !(opt.Init[i] > 0) {
				return nil, 0, fmt.Errorf("clv: Init needs %d positive parameters, got %v", k, opt.Init)
			}
			init[i] = math.Log(opt.Init[i])
		}
	}
	evals := 0
	p := make([]float64, k)
	g := make([]float64, k)
	// toParams sets p from the log parameters; false when out of range.
	toParams := func(lp []float64) bool {
		for i, v := range lp {
			if v > 30 || v < -30 { // e^±30: far outside any sensible parameter
				return false
			}
			p[i] = math.Exp(v)
		}
		return true
	}
	penalty := func() float64 {
		pen := 0.0
		for _, v := range p {
			pen += v * v
		}
		return opt.Penalty * pen
	}
	f := func(lp []float64) float64 {
		evals++
		if !toParams(lp) {
			return math.Inf(1)
		}
		v := -o.ll(p) + penalty()
		if math.IsNaN(v) {
			return math.Inf(1)
		}
		return v
	}
	var best []float64
	bestF := math.Inf(1)
	consider := func(r *optimize.Result) {
		if r != nil && r.F < bestF && !math.IsInf(r.F, 0) && !math.IsNaN(r.F) {
			best, bestF = append([]float64(nil), r.X...), r.F
		}
	}
	if o.grad != nil {
		fg := func(lp []float64) float64 { return f(lp) }
		grad := func(dst, lp []float64) {
			evals++
			if !toParams(lp) {
				for i := range dst {
					dst[i] = math.NaN()
				}
				return
			}
			for i := range g {
				g[i] = 0
			}
			o.grad(p, g)
			for i := range dst {
				dst[i] = -g[i]*p[i] + 2*opt.Penalty*p[i]*p[i]
			}
		}
		r, _ := optimize.Minimize(optimize.Problem{Func: fg, Grad: grad}, init,
			&optimize.Settings{GradientThreshold: 1e-8, MajorIterations: 1000,
				Converger: &optimize.FunctionConverge{Relative: 1e-13, Iterations: 4}}, &optimize.BFGS{})
		consider(r)
		// A line search that fails at the optimum (where the likelihood's
		// rounding noise is as large as its change) has still converged
		// when the gradient is negligible against the likelihood.
		if r == nil || best == nil || floats.Norm(r.Gradient, math.Inf(1)) > 1e-6*(1+math.Abs(r.F)) {
			best = nil // not converged: search again without the gradient
			bestF = math.Inf(1)
		}
	}
	fdGrad := func(dst, x []float64) {
		fd.Gradient(dst, f, x, &fd.Settings{Formula: fd.Central, Step: 1e-6})
	}
	if best == nil && o.grad == nil && o.polish && opt.Init != nil {
		r, _ := optimize.Minimize(optimize.Problem{Func: f, Grad: fdGrad}, init,
			&optimize.Settings{GradientThreshold: 1e-9, MajorIterations: 500,
				Converger: &optimize.FunctionConverge{Relative: 1e-12, Iterations: 3}}, &optimize.BFGS{})
		consider(r)
	}
	if best == nil {
		r, _ := optimize.Minimize(optimize.Problem{Func: f}, init,
			&optimize.Settings{MajorIterations: 20000, FuncEvaluations: 200000,
				Converger: &optimize.FunctionConverge{Absolute: 1e-12, Relative: 1e-12, Iterations: 200}},
			&optimize.NelderMead{})
		consider(r)
		if best != nil {
			r, _ := optimize.Minimize(optimize.Problem{Func: f, Grad: fdGrad}, best,
				&optimize.Settings{GradientThreshold: 1e-9, MajorIterations: 500}, &optimize.BFGS{})
			consider(r)
		}
	}
	if best == nil {
		return nil, evals, errors.New("clv: fit: the likelihood is not finite anywhere the search went")
	}
	out := make([]float64, k)
	for i, v := range best {
		out[i] = math.Exp(v)
	}
	return out, evals, nil
}

// rowGroups are customers grouped by (x, tx, T), each group once with its
// size as weight w; xs are the distinct x and xi the index of a group's x in
// xs, and likewise txs, txi for tx and ts, ti for T (times are usually on a
// grid of days, so a likelihood takes the logarithms of a few hundred
// distinct times instead of one per customer).
type rowGroups struct {
	x, tx, t, w []float64
	xs, txs, ts []float64
	xi, txi, ti []int32
}

func groupRows(x, tx, t []float64) *rowGroups {
	g := &rowGroups{}
	at := make(map[[3]float64]int, len(x)/4)
	xAt, txAt, tAt := map[float64]int32{}, map[float64]int32{}, map[float64]int32{}
	index := func(m map[float64]int32, vals *[]float64, v float64) int32 {
		k, ok := m[v]
		if !ok {
			k = int32(len(*vals))
			m[v] = k
			*vals = append(*vals, v)
		}
		return k
	}
	for i := range x {
		key := [3]float64{x[i], tx[i], t[i]}
		if j, ok := at[key]; ok {
			g.w[j]++
			continue
		}
		at[key] = len(g.x)
		g.x, g.tx, g.t, g.w = append(g.x, x[i]), append(g.tx, tx[i]), append(g.t, t[i]), append(g.w, 1)
		g.xi = append(g.xi, index(xAt, &g.xs, x[i]))
		g.txi = append(g.txi, index(txAt, &g.txs, tx[i]))
		g.ti = append(g.ti, index(tAt, &g.ts, t[i]))
	}
	return g
}

// size is the number of customers.
func (g *rowGroups) size() float64 {
	n := 0.0
	for _, w := range g.w {
		n += w
	}
	return n
}

// sample returns about n of the groups, evenly spaced.
func (g *rowGroups) sample(n int) *rowGroups {
	step := max(1, len(g.x)/n)
	var x, tx, t, w []float64
	for i := 0; i < len(g.x); i += step {
		x, tx, t, w = append(x, g.x[i]), append(tx, g.tx[i]), append(t, g.t[i]), append(w, g.w[i])
	}
	s := groupRows(x, tx, t)
	copy(s.w, w) // the groups are distinct: groupRows keeps their order
	return s
}

// sum adds fn(i, grad) over the groups on two goroutines; fn adds group
// i's gradient (k values) to grad when grad is not nil and returns its
// log-likelihood. The gradient is added into dst.
func (g *rowGroups) sum(dst []float64, k int, fn func(i int, grad []float64) float64) float64 {
	n := len(g.x)
	parts := min(sumWorkers, max(1, n/20000))
	sums := make([]float64, parts)
	grads := make([][]float64, parts)
	var wg sync.WaitGroup
	for p := range parts {
		if dst != nil {
			grads[p] = make([]float64, k)
		}
		lo, hi := n*p/parts, n*(p+1)/parts
		wg.Go(func() {
			s := 0.0
			for i := lo; i < hi; i++ {
				s += fn(i, grads[p])
			}
			sums[p] = s
		})
	}
	wg.Wait()
	total := 0.0
	for p := range parts {
		total += sums[p]
		for j := range grads[p] {
			dst[j] += grads[p][j]
		}
	}
	return total
}

// sumWorkers is the number of goroutines that sum a likelihood.
const sumWorkers = 2

// logAddExp is log(e^a + e^b) without overflow.
func logAddExp(a, b float64) float64 {
	if math.IsInf(a, -1) {
		return b
	}
	if math.IsInf(b, -1) {
		return a
	}
	if a < b {
		a, b = b, a
	}
	return a + math.Log1p(math.Exp(b-a))
}

// logSubExp is log(e^a - e^b) for a ≥ b.
func logSubExp(a, b float64) float64 {
	if math.IsInf(b, -1) {
		return a
	}
	return a + math.Log(-math.Expm1(b-a))
}

func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// lbeta is log B(a, b).
func lbeta(a, b float64) float64 { return lgamma(a) + lgamma(b) - lgamma(a+b) }
