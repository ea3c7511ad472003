package propensity

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/optimize"
)

// LogisticOptions tune FitLogistic.
type LogisticOptions struct {
	// C is the inverse of the L2 penalty, as in scikit-learn: the fit
	// minimises Σ log-loss + ‖w‖²/(2C), the intercept unpenalised [1].
	C float64
}

// Logistic is a fitted L2-regularised logistic regression. Numeric
// features are standardised with the training mean and standard deviation
// (a missing value is the mean, with a missing indicator when training had
// missing values); categorical features are one-hot, one weight per level
// seen in training and one for missing (an unseen level has none).
type Logistic struct {
	Intercept float64
	mean, sd  []float64
	wNum      []float64 // per numeric column
	wMiss     []float64 // per numeric column: weight of its missing indicator (0 when none)
	hasMiss   []bool
	wCat      [][]float64 // per categorical column, per code; the last is missing
	names     []string
	numCols   int
}

// FitLogistic fits a logistic regression of y on d by L-BFGS on the exact
// gradient.
func FitLogistic(d *Data, y []bool, opt LogisticOptions) (*Logistic, error) {
	if err := d.check(y); err != nil {
		return nil, err
	}
	if opt.C == 0 {
		opt.C = 1
	}
	if opt.C < 0 {
		return nil, fmt.Errorf("propensity: C must be positive, got %v", opt.C)
	}
	n := d.Rows()
	pos, err := positives(y)
	if err != nil {
		return nil, err
	}
	m := &Logistic{numCols: len(d.Num)}
	for j := range d.Features() {
		m.names = append(m.names, d.Name(j))
	}
	// Standardised numeric columns, dense.
	nn := len(d.Num)
	xs := make([][]float64, nn)
	m.mean, m.sd, m.hasMiss = make([]float64, nn), make([]float64, nn), make([]bool, nn)
	for j, col := range d.Num {
		var s, s2, k float64
		for _, v := range col {
			if math.IsNaN(v) {
				m.hasMiss[j] = true
				continue
			}
			s += v
			k++
		}
		mu := 0.0
		if k > 0 {
			mu = s / k
		}
		for _, v := range col {
			if !math.IsNaN(v) {
				s2 += (v - mu) * (v - mu)
			}
		}
		sd := 1.0
		if k > 0 && s2 > 0 {
			sd = math.Sqrt(s2 / k)
		}
		m.mean[j], m.sd[j] = mu, sd
		x := make([]float64, n)
		for i, v := range col {
			if !math.IsNaN(v) {
				x[i] = (v - mu) / sd
			}
		}
		xs[j] = x
	}
	// Parameter layout: intercept, numeric weights, missing indicators,
	// then each categorical column's levels and its missing level.
	off := make([]int, len(d.Cat))
	p := 1 + 2*nn
	for j := range d.Cat {
		off[j] = p
		p += len(d.Levels[j]) + 1
	}
	catIdx := func(j int, c int32) int {
		if c < 0 {
			return off[j] + len(d.Levels[j])
		}
		return off[j] + int(c)
	}
	yf := make([]float64, n)
	for i, v := range y {
		if v {
			yf[i] = 1
		}
	}
	miss := make([][]bool, nn)
	for j, col := range d.Num {
		if m.hasMiss[j] {
			miss[j] = make([]bool, n)
			for i, v := range col {
				miss[j][i] = math.IsNaN(v)
			}
		}
	}
	z := make([]float64, n)
	linear := func(w []float64) {
		for i := range z {
			z[i] = w[0]
		}
		for j := range nn {
			wj, wm := w[1+j], w[1+nn+j]
			for i, v := range xs[j] {
				z[i] += wj * v
			}
			if miss[j] != nil {
				for i, mm := range miss[j] {
					if mm {
						z[i] += wm
					}
				}
			}
		}
		for j, col := range d.Cat {
			for i, c := range col {
				z[i] += w[catIdx(j, c)]
			}
		}
	}
	lambda := 1 / opt.C
	obj := func(w []float64) float64 {
		linear(w)
		loss := 0.0
		for i, zi := range z {
			loss += logLoss(y[i], zi)
		}
		for _, v := range w[1:] {
			loss += lambda * v * v / 2
		}
		return loss
	}
	grad := func(g, w []float64) {
		linear(w)
		for k := range g {
			g[k] = 0
		}
		for i, zi := range z {
			r := sigmoid(zi) - yf[i]
			z[i] = r // residual, reused below
			g[0] += r
		}
		for j := range nn {
			s, sm := 0.0, 0.0
			for i, v := range xs[j] {
				s += z[i] * v
			}
			if miss[j] != nil {
				for i, mm := range miss[j] {
					if mm {
						sm += z[i]
					}
				}
			}
			g[1+j], g[1+nn+j] = s, sm
		}
		for j, col := range d.Cat {
			for i, c := range col {
				g[catIdx(j, c)] += z[i]
			}
		}
		for k := 1; k < len(g); k++ {
			g[k] += lambda * w[k]
		}
	}
	w0 := make([]float64, p)
	w0[0] = math.Log(float64(pos) / float64(n-pos))
	res, err := optimize.Minimize(optimize.Problem{Func: obj, Grad: grad}, w0,
		// Converged when the gradient of the summed loss is below 1e-6 per
		// row, or the loss changes by less than 1e-11 of itself over ten
		// iterations.
		&optimize.Settings{GradientThreshold: 1e-6 * float64(n), MajorIterations: 1000,
			Converger: &optimize.FunctionConverge{Relative: 1e-11, Iterations: 10}}, &optimize.LBFGS{})
	if res == nil {
		return nil, fmt.Errorf("propensity: logistic regression: %w", err)
	}
	w := res.X
	m.Intercept = w[0]
	m.wNum, m.wMiss = w[1:1+nn], w[1+nn:1+2*nn]
	for j := range d.Cat {
		m.wCat = append(m.wCat, w[off[j]:off[j]+len(d.Levels[j])+1])
	}
	return m, nil
}

// logit is the log-odds of row i of d, and when contrib is not nil each
// feature's part of it.
func (m *Logistic) logit(d *Data, i int, contrib []float64) float64 {
	z := m.Intercept
	for j, col := range d.Num {
		v := col[i]
		var c float64
		if math.IsNaN(v) {
			c = m.wMiss[j]
		} else {
			c = m.wNum[j] * (v - m.mean[j]) / m.sd[j]
		}
		z += c
		if contrib != nil {
			contrib[j] = c
		}
	}
	for j, col := range d.Cat {
		code := col[i]
		w := m.wCat[j]
		var c float64
		switch {
		case code < 0:
			c = w[len(w)-1]
		case int(code) < len(w)-1:
			c = w[code]
		} // a level unseen in training: no weight
		z += c
		if contrib != nil {
			contrib[m.numCols+j] = c
		}
	}
	return z
}

// Predict returns the probability of the outcome for each row of d.
func (m *Logistic) Predict(d *Data) []float64 {
	out := make([]float64, d.Rows())
	parallel(len(out), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i] = sigmoid(m.logit(d, i, nil))
		}
	})
	return out
}

// Explain returns the log-odds of row i of d as the intercept plus one
// contribution per feature (weight × standardised value, or the weight of
// its level): they add up to the log-odds exactly.
func (m *Logistic) Explain(d *Data, i int) (bias float64, contrib []float64) {
	contrib = make([]float64, d.Features())
	m.logit(d, i, contrib)
	return m.Intercept, contrib
}
