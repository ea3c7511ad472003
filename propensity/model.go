package propensity

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
)

// gbdtJSON is the stored form of a GBDT.
type gbdtJSON struct {
	Init       float64      `json:"init"`
	Names      []string     `json:"features"`
	NumCols    int          `json:"numeric_columns"`
	Edges      [][]float64  `json:"edges"`
	CatBins    [][]int      `json:"category_bins"`
	NBins      []int        `json:"bins"`
	Gains      []float64    `json:"gains"`
	Iterations int          `json:"iterations"`
	Trees      [][]nodeJSON `json:"trees"`
	ValLoss    []float64    `json:"validation_loss,omitempty"`
}

type nodeJSON struct {
	F   int32    `json:"f"`
	L   int32    `json:"l"`
	R   int32    `json:"r"`
	B   uint8    `json:"b,omitempty"`
	ML  bool     `json:"m,omitempty"`
	Cat []uint64 `json:"c,omitempty"`
	V   float64  `json:"v"`
}

// MarshalJSON stores the model (trees, bins and names).
func (m *GBDT) MarshalJSON() ([]byte, error) {
	j := gbdtJSON{Init: m.Init, Names: m.names, NumCols: m.numCols, Edges: m.bins.edges, NBins: m.bins.nbins,
		Gains: m.gains, Iterations: m.Iterations, ValLoss: m.ValidationLoss}
	for _, cb := range m.bins.catBin {
		l := make([]int, len(cb))
		for i, b := range cb {
			l[i] = int(b)
		}
		j.CatBins = append(j.CatBins, l)
	}
	for _, t := range m.Trees {
		var ns []nodeJSON
		for _, n := range t.nodes {
			nj := nodeJSON{F: n.feature, L: n.left, R: n.right, B: n.bin, ML: n.missingLeft, V: n.value}
			if n.catLeft != nil {
				nj.Cat = n.catLeft[:]
			}
			ns = append(ns, nj)
		}
		j.Trees = append(j.Trees, ns)
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads a model stored by MarshalJSON, checking that its
// trees only name features and nodes it has.
func (m *GBDT) UnmarshalJSON(b []byte) error {
	var j gbdtJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	nf := len(j.Names)
	if j.NumCols > nf || len(j.Edges) != j.NumCols || len(j.CatBins) != nf-j.NumCols || len(j.NBins) != nf {
		return fmt.Errorf("propensity: stored model: columns do not match")
	}
	*m = GBDT{Init: j.Init, names: j.Names, numCols: j.NumCols, gains: j.Gains, Iterations: j.Iterations,
		ValidationLoss: j.ValLoss, bins: &binner{edges: j.Edges, nbins: j.NBins}}
	for _, e := range j.Edges {
		if len(e) >= missingBin || !slices.IsSorted(e) || slices.ContainsFunc(e, math.IsNaN) {
			return fmt.Errorf("propensity: stored model: bad bin edges")
		}
	}
	m.bins.pad()
	for _, cb := range j.CatBins {
		l := make([]uint8, len(cb))
		for i, v := range cb {
			if v < 0 || v > missingBin {
				return fmt.Errorf("propensity: stored model: bad category bin %d", v)
			}
			l[i] = uint8(v)
		}
		m.bins.catBin = append(m.bins.catBin, l)
	}
	for _, ns := range j.Trees {
		t := tree{nodes: make([]node, len(ns))}
		for i, n := range ns {
			if n.L >= 0 && (int(n.L) >= len(ns) || int(n.R) >= len(ns) || n.L <= int32(i) || n.R <= int32(i) || int(n.F) >= nf || n.F < 0) {
				return fmt.Errorf("propensity: stored model: bad node %d", i)
			}
			t.nodes[i] = node{feature: n.F, left: n.L, right: n.R, bin: n.B, missingLeft: n.ML, value: n.V}
			if len(n.Cat) == 4 {
				var set [4]uint64
				copy(set[:], n.Cat)
				t.nodes[i].catLeft = &set
			}
		}
		if len(t.nodes) == 0 {
			return fmt.Errorf("propensity: stored model: empty tree")
		}
		m.Trees = append(m.Trees, t)
	}
	m.scorer = newScorer(m.Trees)
	return nil
}

// Names are the model's features, numeric first, as it was trained.
func (m *GBDT) Names() []string { return m.names }

// NumericColumns is the number of numeric features (they come first).
func (m *GBDT) NumericColumns() int { return m.numCols }

// Platt maps a score to a calibrated probability: σ(A·logit(p) + B).
type Platt struct{ A, B float64 }

// FitPlatt fits Platt scaling of the scores p to the outcomes y (a
// one-feature logistic regression of y on logit(p), by Newton's method).
func FitPlatt(y []bool, p []float64) Platt {
	a, b := 1.0, 0.0
	z := make([]float64, len(p))
	for i, v := range p {
		v = min(max(v, 1e-12), 1-1e-12)
		z[i] = math.Log(v / (1 - v))
	}
	for range 100 {
		var ga, gb, haa, hab, hbb float64
		for i, zi := range z {
			q := sigmoid(a*zi + b)
			r := q
			if y[i] {
				r = q - 1
			}
			w := max(q*(1-q), 1e-12)
			ga += r * zi
			gb += r
			haa += w * zi * zi
			hab += w * zi
			hbb += w
		}
		det := haa*hbb - hab*hab
		if det <= 0 {
			break
		}
		da := (hbb*ga - hab*gb) / det
		db := (haa*gb - hab*ga) / det
		a, b = a-da, b-db
		if math.Abs(da)+math.Abs(db) < 1e-10 {
			break
		}
	}
	return Platt{a, b}
}

// Apply returns the calibrated probability of score p.
func (c Platt) Apply(p float64) float64 {
	p = min(max(p, 1e-12), 1-1e-12)
	return sigmoid(c.A*math.Log(p/(1-p)) + c.B)
}

// TopContributions returns the k contributions of largest magnitude.
func TopContributions(names []string, contrib []float64, k int) []Contribution {
	// A selection of the k largest, kept in order as they come (a tie
	// keeps the earlier feature first): k is a handful, contributions a few
	// dozen, and this runs once per scored contact.
	out := make([]Contribution, 0, k+1)
	for j, v := range contrib {
		if v == 0 || k <= 0 {
			continue
		}
		if len(out) == k && math.Abs(v) <= math.Abs(out[k-1].Value) {
			continue
		}
		at := len(out)
		for at > 0 && math.Abs(v) > math.Abs(out[at-1].Value) {
			at--
		}
		out = slices.Insert(out, at, Contribution{Feature: names[j], Value: v})
		if len(out) > k {
			out = out[:k]
		}
	}
	return out
}
