package cluster

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
)

// table holds the columns used in distances, row by row: numeric columns
// as z-scores (NaN = missing), categorical columns as indexes into the
// sorted codes of the column (-1 = missing).
type table struct {
	n, pn, pc int
	x         []float64 // n*pn
	c         []int32   // n*pc
	// w is the rescaling factor P / P_x of each row (0 when the row has no
	// present value); w == 1 exactly when the row is complete.
	w      []float64
	nlev   []int   // categories of each used categorical column
	off    []int   // offset of each used categorical column in per-cluster counts
	nl     int     // Σ nlev
	gmode  []int32 // most frequent category of each used categorical column
	levels [][]int32
}

// prepare checks d and builds its table. levels holds the sorted distinct
// codes of every categorical column of d (used or not).
func prepare(d Data) (*table, error) {
	n := -1
	switch {
	case len(d.Numeric) > 0:
		n = len(d.Numeric[0])
	case len(d.Categorical) > 0:
		n = len(d.Categorical[0])
	}
	if n <= 0 {
		return nil, ErrNoData
	}
	if d.NumericNames != nil && len(d.NumericNames) != len(d.Numeric) {
		return nil, fmt.Errorf("cluster: %d numeric names for %d numeric columns", len(d.NumericNames), len(d.Numeric))
	}
	if d.CategoricalNames != nil && len(d.CategoricalNames) != len(d.Categorical) {
		return nil, fmt.Errorf("cluster: %d categorical names for %d categorical columns", len(d.CategoricalNames), len(d.Categorical))
	}
	numName := func(j int) string {
		if d.NumericNames != nil {
			return fmt.Sprintf("%q", d.NumericNames[j])
		}
		return fmt.Sprint(j)
	}
	catName := func(j int) string {
		if d.CategoricalNames != nil {
			return fmt.Sprintf("%q", d.CategoricalNames[j])
		}
		return fmt.Sprint(j)
	}

	// Numeric columns: standardise; drop the constant ones.
	var usedNum []int
	var mean, sd []float64
	buf := make([]float64, 0, n)
	for j, col := range d.Numeric {
		if len(col) != n {
			return nil, fmt.Errorf("cluster: numeric column %s has %d rows, want %d", numName(j), len(col), n)
		}
		buf = buf[:0]
		for i, v := range col {
			if math.IsInf(v, 0) {
				return nil, fmt.Errorf("cluster: numeric column %s, row %d: infinite value", numName(j), i)
			}
			if !math.IsNaN(v) {
				buf = append(buf, v)
			}
		}
		if len(buf) < 2 {
			continue
		}
		m, s := stat.MeanStdDev(buf, nil)
		if !(s > 0) {
			continue
		}
		usedNum = append(usedNum, j)
		mean = append(mean, m)
		sd = append(sd, s)
	}

	// Categorical columns: map codes to indexes of the sorted distinct
	// codes; drop the columns with fewer than two categories.
	t := &table{n: n, levels: make([][]int32, len(d.Categorical))}
	var usedCat []int
	for j, col := range d.Categorical {
		if len(col) != n {
			return nil, fmt.Errorf("cluster: categorical column %s has %d rows, want %d", catName(j), len(col), n)
		}
		lv, err := distinctCodes(col)
		if err != nil {
			return nil, fmt.Errorf("cluster: categorical column %s: %w", catName(j), err)
		}
		t.levels[j] = lv
		if len(lv) >= 2 {
			usedCat = append(usedCat, j)
			t.off = append(t.off, t.nl)
			t.nlev = append(t.nlev, len(lv))
			t.nl += len(lv)
		}
	}
	t.pn, t.pc = len(usedNum), len(usedCat)
	P := t.pn + t.pc
	if P == 0 {
		return nil, ErrNoVariation
	}

	t.x = make([]float64, n*t.pn)
	for jj, j := range usedNum {
		col, m, s := d.Numeric[j], mean[jj], sd[jj]
		for i, v := range col {
			t.x[i*t.pn+jj] = (v - m) / s // NaN stays NaN
		}
	}
	t.c = make([]int32, n*t.pc)
	t.gmode = make([]int32, t.pc)
	for ll, j := range usedCat {
		col, lv := d.Categorical[j], t.levels[j]
		counts := make([]int, len(lv))
		small := lv[len(lv)-1] < 1<<16
		var dense []int32
		if small {
			dense = make([]int32, lv[len(lv)-1]+1)
			for l, code := range lv {
				dense[code] = int32(l)
			}
		}
		for i, v := range col {
			l := int32(-1)
			if v >= 0 {
				if small {
					l = dense[v]
				} else {
					k, _ := slices.BinarySearch(lv, v)
					l = int32(k)
				}
				counts[l]++
			}
			t.c[i*t.pc+ll] = l
		}
		t.gmode[ll] = int32(argmaxInt(counts))
	}
	t.w = make([]float64, n)
	for i := range n {
		present := 0
		for _, v := range t.x[i*t.pn : (i+1)*t.pn] {
			if !math.IsNaN(v) {
				present++
			}
		}
		for _, v := range t.c[i*t.pc : (i+1)*t.pc] {
			if v >= 0 {
				present++
			}
		}
		if present > 0 {
			t.w[i] = float64(P) / float64(present)
		}
	}
	return t, nil
}

// distinctCodes returns the sorted distinct non-missing codes of col.
func distinctCodes(col []int32) ([]int32, error) {
	var seen []bool // dense bitmap for small codes
	var big []int32
	for i, v := range col {
		switch {
		case v < -1:
			return nil, fmt.Errorf("row %d: code %d below -1", i, v)
		case v == -1:
		case v < 1<<16:
			if int(v) >= len(seen) {
				seen = append(seen, make([]bool, int(v)+1-len(seen))...)
			}
			seen[v] = true
		default:
			big = append(big, v)
		}
	}
	var out []int32
	for v, ok := range seen {
		if ok {
			out = append(out, int32(v))
		}
	}
	slices.Sort(big)
	return append(out, slices.Compact(big)...), nil
}

// subset returns the table of the given rows.
func (t *table) subset(rows []int) *table {
	s := *t
	s.n = len(rows)
	s.x = make([]float64, s.n*t.pn)
	s.c = make([]int32, s.n*t.pc)
	s.w = make([]float64, s.n)
	for k, i := range rows {
		copy(s.x[k*t.pn:(k+1)*t.pn], t.x[i*t.pn:(i+1)*t.pn])
		copy(s.c[k*t.pc:(k+1)*t.pc], t.c[i*t.pc:(i+1)*t.pc])
		s.w[k] = t.w[i]
	}
	return &s
}

// dist returns the unscaled distance of row i to the prototype (mu, mode):
// Σ over present numeric columns of the squared difference plus gamma times
// the number of present categorical columns that differ from the mode.
// Multiply by t.w[i] for d.
func (t *table) dist(i int, mu []float64, mode []int32, gamma float64) float64 {
	xi := t.x[i*t.pn : (i+1)*t.pn]
	ci := t.c[i*t.pc : (i+1)*t.pc]
	var s float64
	mis := 0
	if t.w[i] == 1 {
		for j, v := range xi {
			e := v - mu[j]
			s += e * e
		}
		for l, v := range ci {
			if v != mode[l] {
				mis++
			}
		}
	} else {
		for j, v := range xi {
			if v == v {
				e := v - mu[j]
				s += e * e
			}
		}
		for l, v := range ci {
			if v >= 0 && v != mode[l] {
				mis++
			}
		}
	}
	return s + gamma*float64(mis)
}
