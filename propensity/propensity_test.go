package propensity

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestMetricsByHand checks the metrics on five scores worked out by hand.
func TestMetricsByHand(t *testing.T) {
	y := []bool{true, false, true, true, false}
	p := []float64{0.9, 0.8, 0.7, 0.7, 0.1}
	// Pairs (positive, negative) ordered right: 0.9 beats 0.8 and 0.1; each
	// 0.7 beats only 0.1: 4 of 6.
	if got := ROCAUC(y, p); math.Abs(got-4.0/6) > 1e-12 {
		t.Errorf("ROC AUC %v want 4/6", got)
	}
	// Thresholds 0.9 (recall 1/3, precision 1), 0.8 (1/3, 1/2), 0.7 (1, 3/4):
	// 1/3 × 1 + 2/3 × 3/4 = 5/6 (scikit-learn's average_precision_score).
	if got := AveragePrecision(y, p); math.Abs(got-5.0/6) > 1e-12 {
		t.Errorf("average precision %v want 5/6", got)
	}
	// (0.01 + 0.64 + 0.09 + 0.09 + 0.01) / 5
	if got := Brier(y, p); math.Abs(got-0.168) > 1e-12 {
		t.Errorf("Brier %v want 0.168", got)
	}
	cal := Calibration(y, p, 2)
	if len(cal) != 2 || cal[0].Rows != 1 || cal[1].Rows != 4 || cal[1].Observed != 0.75 || math.Abs(cal[1].MeanScore-0.775) > 1e-12 {
		t.Errorf("calibration %+v", cal)
	}
}

// planted draws rows where the outcome depends on a number above 0.6, a
// category "a" and a missing value of a second number (missing says
// "interested"), and on nothing else.
func planted(n int, seed uint64) (*Data, []bool) {
	rng := rand.New(rand.NewPCG(seed, 7))
	d := &Data{NumNames: []string{"x", "noise", "visits"}, CatNames: []string{"source", "junk"},
		Levels: [][]string{{"a", "b", "c", "d"}, {"u", "v"}}}
	d.Num = make([][]float64, 3)
	d.Cat = make([][]int32, 2)
	y := make([]bool, n)
	for i := range n {
		x, noise := rng.Float64(), rng.NormFloat64()
		visits := float64(rng.IntN(10))
		missing := rng.Float64() < 0.2
		if missing {
			visits = math.NaN()
		}
		src := int32(rng.IntN(4))
		z := -2.0
		if x > 0.6 {
			z += 1.5
		}
		if src == 0 {
			z += 1.5
		}
		if missing {
			z += 1
		}
		y[i] = rng.Float64() < sigmoid(z)
		d.Num[0] = append(d.Num[0], x)
		d.Num[1] = append(d.Num[1], noise)
		d.Num[2] = append(d.Num[2], visits)
		d.Cat[0] = append(d.Cat[0], src)
		d.Cat[1] = append(d.Cat[1], int32(rng.IntN(2)))
	}
	return d, y
}

// TestPlanted checks that both models find the planted effects: the
// true probability ranks the holdout with a known AUC, and the models come
// close to it; the gradient boosting's importance puts the three real
// features first; explanations add up to the log-odds.
func TestPlanted(t *testing.T) {
	d, y := planted(40000, 1)
	train, test := StratifiedSplit(y, 0.25, 1)
	td, ty, hd, hy := d.Subset(train), Pick(y, train), d.Subset(test), Pick(y, test)
	// The best possible ranking: the true probability.
	truth := make([]float64, len(test))
	for i := range truth {
		z := -2.0
		if hd.Num[0][i] > 0.6 {
			z += 1.5
		}
		if hd.Cat[0][i] == 0 {
			z += 1.5
		}
		if math.IsNaN(hd.Num[2][i]) {
			z++
		}
		truth[i] = sigmoid(z)
	}
	best := ROCAUC(hy, truth)
	gb, err := FitGBDT(td, ty, GBDTOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pg := gb.Predict(hd)
	lr, err := FitLogistic(td, ty, LogisticOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pl := lr.Predict(hd)
	t.Logf("AUC: truth %.4f, boosting %.4f (%d trees), logistic %.4f", best, ROCAUC(hy, pg), gb.Iterations, ROCAUC(hy, pl))
	if ROCAUC(hy, pg) < best-0.01 {
		t.Errorf("boosting AUC %.4f, the truth reaches %.4f", ROCAUC(hy, pg), best)
	}
	if ROCAUC(hy, pl) < best-0.03 { // x > 0.6 is a step: a line fits it less well
		t.Errorf("logistic AUC %.4f, the truth reaches %.4f", ROCAUC(hy, pl), best)
	}
	imp := gb.Importance()
	top := map[string]bool{imp[0].Feature: true, imp[1].Feature: true, imp[2].Feature: true}
	if !top["x"] || !top["source"] || !top["visits"] {
		t.Errorf("importance %+v: x, source and visits should lead", imp)
	}
	if math.Abs(Brier(hy, pg)-Brier(hy, truth)) > 0.005 {
		t.Errorf("boosting Brier %.4f, truth %.4f", Brier(hy, pg), Brier(hy, truth))
	}
	for _, i := range []int{0, 1, 2, 3, 100, 2000} {
		for name, m := range map[string]interface {
			Explain(*Data, int) (float64, []float64)
		}{"boosting": gb, "logistic": lr} {
			bias, c := m.Explain(hd, i)
			z := bias
			for _, v := range c {
				z += v
			}
			want := pg[i]
			if name == "logistic" {
				want = pl[i]
			}
			if math.Abs(sigmoid(z)-want) > 1e-9 {
				t.Errorf("%s row %d: bias + contributions give %v, the model %v", name, i, sigmoid(z), want)
			}
		}
	}
}

// TestEarlyStopping checks that with early stopping on, fitting stops
// before MaxIter on data with little signal and keeps the best trees.
func TestEarlyStopping(t *testing.T) {
	d, y := planted(20000, 2)
	gb, err := FitGBDT(d, y, GBDTOptions{EarlyStopping: "on", MaxIter: 500, LearningRate: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	if gb.Iterations >= 500 || len(gb.ValidationLoss) < gb.Iterations {
		t.Fatalf("kept %d trees of %d validation losses", gb.Iterations, len(gb.ValidationLoss))
	}
	for i, l := range gb.ValidationLoss {
		if l < gb.ValidationLoss[gb.Iterations-1]-1e-7 {
			t.Errorf("tree %d has a lower validation loss %v than the kept %v", i+1, l, gb.ValidationLoss[gb.Iterations-1])
		}
	}
	t.Logf("stopped after %d trees, kept %d", len(gb.ValidationLoss), gb.Iterations)
}

// TestCrossValidatedTrees checks the small-table default: with "auto" and
// 500 to 10,000 rows the number of trees is the minimum of the mean
// 5-fold validation log-loss (recomputed here from the folds' own fits),
// the model is refit on every row, and with little signal and a fast
// learning rate that minimum comes well before MaxIter.
func TestCrossValidatedTrees(t *testing.T) {
	d, y := planted(4000, 3)
	opt := GBDTOptions{MaxIter: 120, LearningRate: 0.3, Seed: 7}
	gb, err := FitGBDT(d, y, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(gb.ValidationLoss) != 120 || gb.Iterations < 1 || gb.Iterations >= 60 {
		t.Fatalf("kept %d trees, %d mean validation losses", gb.Iterations, len(gb.ValidationLoss))
	}
	// The folds: every row in one, each outcome spread evenly.
	fold := stratifiedFolds(y, cvFolds, 7)
	var per [cvFolds][2]int
	for i, f := range fold {
		k := 0
		if y[i] {
			k = 1
		}
		per[f][k]++
	}
	for f := range per {
		for k := range 2 {
			if d := per[f][k] - per[0][k]; d < -1 || d > 1 {
				t.Fatalf("fold sizes %v are not even", per)
			}
		}
	}
	// The mean curve from the folds, fitted here one by one.
	o := opt.withDefaults()
	mean := make([]float64, o.MaxIter)
	for k := range cvFolds {
		train, val := foldRows(fold, k)
		m := boost(d.Subset(train), Pick(y, train), d.Subset(val), Pick(y, val), o, false)
		for it := range mean {
			mean[it] += m.ValidationLoss[min(it, len(m.ValidationLoss)-1)] / cvFolds
		}
	}
	for it, l := range mean {
		if math.Abs(l-gb.ValidationLoss[it]) > 1e-12 {
			t.Fatalf("mean loss after %d trees %v, the fit reports %v", it+1, l, gb.ValidationLoss[it])
		}
		if l < mean[gb.Iterations-1]-o.Tol {
			t.Errorf("%d trees have a lower mean loss %v than the kept %d (%v)", it+1, l, gb.Iterations, mean[gb.Iterations-1])
		}
	}
	// Refit on all rows: the same trees as a plain fit of that many.
	all, err := FitGBDT(d, y, GBDTOptions{MaxIter: gb.Iterations, LearningRate: 0.3, EarlyStopping: "off"})
	if err != nil {
		t.Fatal(err)
	}
	p, q := gb.Predict(d), all.Predict(d)
	for i := range p {
		if p[i] != q[i] {
			t.Fatalf("row %d: %v, a plain fit of %d trees gives %v", i, p[i], gb.Iterations, q[i])
		}
	}
	// Below 500 rows (or 50 of an outcome) "auto" keeps every tree.
	small, err := FitGBDT(d.Subset(seq(400)), y[:400], opt)
	if err != nil {
		t.Fatal(err)
	}
	if small.ValidationLoss != nil {
		t.Errorf("400 rows: %d trees chosen on validation losses %v", small.Iterations, small.ValidationLoss)
	}
	t.Logf("kept %d of 120 trees by 5-fold cross-validation", gb.Iterations)
}

func TestUnseenCategoryAndErrors(t *testing.T) {
	d, y := planted(3000, 3)
	gb, err := FitGBDT(d, y, GBDTOptions{})
	if err != nil {
		t.Fatal(err)
	}
	nd := d.Subset([]int{0, 1})
	nd.Levels = [][]string{{"a", "b", "c", "d", "new"}, {"u", "v"}}
	nd.Cat[0][0] = 4 // a level never seen: scored as missing
	p := gb.Predict(nd)
	if math.IsNaN(p[0]) || p[0] <= 0 || p[0] >= 1 {
		t.Errorf("unseen level scored %v", p[0])
	}
	if _, err := FitGBDT(d, make([]bool, d.Rows()), GBDTOptions{}); err == nil {
		t.Error("a single outcome value fitted without error")
	}
	if _, err := FitLogistic(d, y[:10], LogisticOptions{}); err == nil {
		t.Error("labels of the wrong length fitted without error")
	}
}

// TestModelJSON checks that a stored model predicts and explains exactly
// as the fitted one.
func TestModelJSON(t *testing.T) {
	d, y := planted(5000, 4)
	gb, err := FitGBDT(d, y, GBDTOptions{})
	if err != nil {
		t.Fatal(err)
	}
	js, err := gb.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var back GBDT
	if err := back.UnmarshalJSON(js); err != nil {
		t.Fatal(err)
	}
	p, q := gb.Predict(d), back.Predict(d)
	for i := range p {
		if p[i] != q[i] {
			t.Fatalf("row %d: %v after a round trip, %v before", i, q[i], p[i])
		}
	}
	b1, c1 := gb.Explain(d, 7)
	b2, c2 := back.Explain(d, 7)
	if b1 != b2 || !slicesEqual(c1, c2) {
		t.Error("explanations differ after a round trip")
	}
	if err := back.UnmarshalJSON([]byte(`{"features":["a"],"numeric_columns":1,"edges":[[1]],"bins":[2],"trees":[[{"f":3,"l":1,"r":2,"v":0},{"f":0,"l":-1,"r":-1,"v":1},{"f":0,"l":-1,"r":-1,"v":2}]]}`)); err == nil {
		t.Error("a tree naming an unknown feature was accepted")
	}
}

func slicesEqual(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestPlatt checks Platt scaling against its definition: scores made
// overconfident on purpose (logit doubled) are brought back (A ≈ 1/2).
func TestPlatt(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	var y []bool
	var p []float64
	for range 50000 {
		z := rng.NormFloat64()
		y = append(y, rng.Float64() < sigmoid(z))
		p = append(p, sigmoid(2*z))
	}
	c := FitPlatt(y, p)
	if math.Abs(c.A-0.5) > 0.03 || math.Abs(c.B) > 0.03 {
		t.Errorf("Platt %+v, want A 0.5 and B 0", c)
	}
	q := make([]float64, len(p))
	for i := range p {
		q[i] = c.Apply(p[i])
	}
	if Brier(y, q) >= Brier(y, p) {
		t.Errorf("calibration did not lower the Brier score: %v -> %v", Brier(y, p), Brier(y, q))
	}
}

// TestPartitionKeepsOrder checks the two-goroutine partition of a large
// leaf against a plain filter: left rows first, both parts in row order.
func TestPartitionKeepsOrder(t *testing.T) {
	const n = 120_001
	rng := rand.New(rand.NewPCG(6, 6))
	col := make([]uint8, n)
	for i := range col {
		col[i] = uint8(rng.IntN(256))
	}
	g := &grower{X: [][]uint8{col}, rows: make([]int32, n)}
	for i := range g.rows {
		g.rows[i] = int32(n - 1 - i) // any order: the partition keeps it
	}
	want := slices.Clone(g.rows)
	s := split{feature: 0, bin: 100, missingLeft: true}
	nd := node{bin: s.bin, missingLeft: s.missingLeft}
	var left, right []int32
	for _, r := range want {
		if nd.goLeft(col[r]) {
			left = append(left, r)
		} else {
			right = append(right, r)
		}
	}
	mid := g.partition(&leaf{lo: 0, hi: n}, s)
	if mid != len(left) || !slices.Equal(g.rows[:mid], left) || !slices.Equal(g.rows[mid:], right) {
		t.Fatalf("partition: %d left, want %d; order kept: %v %v", mid, len(left),
			slices.Equal(g.rows[:mid], left), slices.Equal(g.rows[mid:], right))
	}
}

// TestPredictExplainIsPredict checks that the one-walk score equals
// Predict's exactly and its contributions equal Explain's.
func TestPredictExplainIsPredict(t *testing.T) {
	d, y := planted(3000, 8)
	gb, err := FitGBDT(d, y, GBDTOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := gb.Predict(d)
	for i := range 200 {
		q, c := gb.PredictExplain(d, i)
		_, ce := gb.Explain(d, i)
		if q != p[i] || !slicesEqual(c, ce) {
			t.Fatalf("row %d: %v and %v against Predict %v", i, q, c, p[i])
		}
	}
}
