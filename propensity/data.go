// Package propensity predicts a binary outcome (conversion, response, any
// yes/no) from a table of features on plain slices, with two models written
// for it: L2-regularised logistic regression and histogram-based
// gradient-boosted trees (binning, second-order gradients, leaf-wise growth,
// shrinkage, early stopping on a validation split, missing values and
// categories handled natively). Both explain each score: the features that
// pushed it up or down, with their contributions on the log-odds scale. The
// package also has the evaluation a marketer needs to trust a score: ROC
// AUC, PR AUC, Brier score and a calibration table, on a stratified random
// or time-based split.
package propensity

import (
	"errors"
	"fmt"
	"math"
)

// Data is a table of n rows: numeric columns (NaN is missing) and
// categorical columns (codes 0..len(Levels[j])-1, -1 is missing).
type Data struct {
	Num      [][]float64
	NumNames []string
	Cat      [][]int32
	CatNames []string
	Levels   [][]string // category names of each categorical column
}

// Rows is the number of rows.
func (d *Data) Rows() int {
	switch {
	case len(d.Num) > 0:
		return len(d.Num[0])
	case len(d.Cat) > 0:
		return len(d.Cat[0])
	}
	return 0
}

// Features is the number of columns, numeric first.
func (d *Data) Features() int { return len(d.Num) + len(d.Cat) }

// Name is the name of feature j (numeric columns first).
func (d *Data) Name(j int) string {
	if j < len(d.Num) {
		return d.NumNames[j]
	}
	return d.CatNames[j-len(d.Num)]
}

// check validates the shape of d and of the labels y (nil: no labels).
func (d *Data) check(y []bool) error {
	n := d.Rows()
	if n == 0 {
		return fmt.Errorf("propensity: no rows")
	}
	if len(d.NumNames) != len(d.Num) || len(d.CatNames) != len(d.Cat) || len(d.Levels) != len(d.Cat) {
		return fmt.Errorf("propensity: names or levels do not match the columns")
	}
	for j, c := range d.Num {
		if len(c) != n {
			return fmt.Errorf("propensity: column %q has %d rows, want %d", d.NumNames[j], len(c), n)
		}
		for _, v := range c {
			if math.IsInf(v, 0) {
				return fmt.Errorf("propensity: column %q has an infinite value", d.NumNames[j])
			}
		}
	}
	for j, c := range d.Cat {
		if len(c) != n {
			return fmt.Errorf("propensity: column %q has %d rows, want %d", d.CatNames[j], len(c), n)
		}
		for _, v := range c {
			if v < -1 || int(v) >= len(d.Levels[j]) {
				return fmt.Errorf("propensity: column %q has code %d outside its %d levels", d.CatNames[j], v, len(d.Levels[j]))
			}
		}
	}
	if y != nil && len(y) != n {
		return fmt.Errorf("propensity: %d labels for %d rows", len(y), n)
	}
	return nil
}

// Subset returns the rows of d in rows, sharing names and levels.
func (d *Data) Subset(rows []int) *Data {
	s := &Data{NumNames: d.NumNames, CatNames: d.CatNames, Levels: d.Levels,
		Num: make([][]float64, len(d.Num)), Cat: make([][]int32, len(d.Cat))}
	for j, c := range d.Num {
		s.Num[j] = make([]float64, len(rows))
		for i, r := range rows {
			s.Num[j][i] = c[r]
		}
	}
	for j, c := range d.Cat {
		s.Cat[j] = make([]int32, len(rows))
		for i, r := range rows {
			s.Cat[j][i] = c[r]
		}
	}
	return s
}

// Pick returns the elements of a at rows, in that order.
func Pick[T any](a []T, rows []int) []T {
	out := make([]T, len(rows))
	for i, r := range rows {
		out[i] = a[r]
	}
	return out
}

// Contribution is one feature's push on a score, on the log-odds scale
// (positive: towards the outcome).
type Contribution struct {
	Feature string  `json:"feature"`
	Value   float64 `json:"contribution"`
}

// positives counts the rows with the outcome; both values must occur.
func positives(y []bool) (int, error) {
	pos := 0
	for _, v := range y {
		if v {
			pos++
		}
	}
	if pos == 0 || pos == len(y) {
		return pos, errors.New("propensity: the outcome has a single value: nothing to learn")
	}
	return pos, nil
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}
