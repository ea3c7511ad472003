package propensity

import (
	"container/heap"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"time"
)

// GBDTOptions tune FitGBDT. Zero values take the defaults in brackets,
// which are scikit-learn's HistGradientBoostingClassifier's.
type GBDTOptions struct {
	LearningRate   float64 // shrinkage [0.1]
	MaxIter        int     // most trees [100]
	MaxLeafNodes   int     // leaves per tree, grown best first [31]
	MaxDepth       int     // 0: no limit
	MinSamplesLeaf int     // [20]
	L2             float64 // L2 penalty on leaf values [0]
	MaxBins        int     // bins per feature, at most 255 [255]
	// EarlyStopping: "auto", "on" or "off". On, it holds out
	// ValidationFraction [0.1] of the rows (stratified) and stops when the
	// validation log-loss has not improved by Tol [1e-7] for NoChange [10]
	// trees, keeping the trees up to the best one. "auto" is on above
	// 10,000 rows (as scikit-learn's); from 500 rows (and 50 of each
	// outcome) to 10,000 it chooses the number of trees, at most MaxIter,
	// by 5-fold cross-validation and refits on all rows (fitCV), which
	// scikit-learn does not; below, it keeps MaxIter trees.
	EarlyStopping      string
	ValidationFraction float64
	NoChange           int
	Tol                float64
	Seed               uint64
}

func (o GBDTOptions) withDefaults() GBDTOptions {
	if o.LearningRate == 0 {
		o.LearningRate = 0.1
	}
	if o.MaxIter == 0 {
		o.MaxIter = 100
	}
	if o.MaxLeafNodes == 0 {
		o.MaxLeafNodes = 31
	}
	if o.MinSamplesLeaf == 0 {
		o.MinSamplesLeaf = 20
	}
	if o.MaxBins == 0 || o.MaxBins > 255 {
		o.MaxBins = 255
	}
	if o.EarlyStopping == "" {
		o.EarlyStopping = "auto"
	}
	if o.ValidationFraction == 0 {
		o.ValidationFraction = 0.1
	}
	if o.NoChange == 0 {
		o.NoChange = 10
	}
	if o.Tol == 0 {
		o.Tol = 1e-7
	}
	return o
}

// GBDT is a fitted gradient-boosted tree model of the log-odds.
type GBDT struct {
	Init  float64 // the log-odds every score starts from
	Trees []tree
	// Iterations is the number of trees kept; ValidationLoss the log-loss
	// of the early-stopping split per tree (empty without it).
	Iterations     int
	ValidationLoss []float64
	names          []string
	numCols        int
	bins           *binner
	gains          []float64 // total split gain per feature
	scorer         *scorer   // the trees laid out for Predict
}

// tree is one regression tree on the binned features.
type tree struct{ nodes []node }

// node is a leaf (left < 0) or a split on feature: numeric features go left
// when their bin is <= bin, categorical ones when their bin is in catLeft;
// missing values go left when missingLeft. value is the node's own value
// (a leaf's prediction; for a split, what it would predict as a leaf, used
// by the explanations).
type node struct {
	feature     int32
	left, right int32
	bin         uint8
	missingLeft bool
	catLeft     *[4]uint64
	value       float64
}

func (n *node) goLeft(b uint8) bool {
	if b == missingBin {
		return n.missingLeft
	}
	if n.catLeft != nil {
		return n.catLeft[b>>6]&(1<<(b&63)) != 0
	}
	return b <= n.bin
}

// FitGBDT fits gradient-boosted trees of the log-odds of y on d, by
// Newton steps on the binary log-loss: each tree is grown best first on
// histograms of the gradients and hessians (one per feature and bin, the
// larger child's by subtraction from its parent), each split taking the
// largest gain G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ) with missing values
// sent to the better side, categories ordered by G/H (Fisher's grouping).
func FitGBDT(d *Data, y []bool, opt GBDTOptions) (*GBDT, error) {
	if err := d.check(y); err != nil {
		return nil, err
	}
	opt = opt.withDefaults()
	n := d.Rows()
	if _, err := positives(y); err != nil {
		return nil, err
	}
	var m *GBDT
	switch {
	case opt.EarlyStopping == "on" || opt.EarlyStopping == "auto" && n > 10000:
		train, val := StratifiedSplit(y, opt.ValidationFraction, opt.Seed)
		m = boost(d.Subset(train), Pick(y, train), d.Subset(val), Pick(y, val), opt, true)
	case opt.EarlyStopping == "auto" && cvAllowed(y):
		m = fitCV(d, y, opt)
	default:
		m = boost(d, y, nil, nil, opt, false)
	}
	// Laid out for Predict once, for the model returned (not for the
	// cross-validation's folds).
	m.scorer = newScorer(m.Trees)
	return m, nil
}

// cvFolds is the number of folds of fitCV.
const cvFolds = 5

// cvAllowed: at least 500 rows and 50 of each outcome (10 per fold), so
// that every fold's validation log-loss means something.
func cvAllowed(y []bool) bool {
	pos, _ := positives(y)
	return len(y) >= 500 && pos >= 50 && len(y)-pos >= 50
}

// fitCV chooses the number of trees by stratified cross-validation: each
// of cvFolds models trains MaxIter trees on the other folds and records
// its fold's log-loss after each tree; the count with the least mean
// log-loss (the first within Tol of it) is refit on all rows. On small
// tables one validation split is too noisy to stop on, and dropping its
// rows from training costs more than the extra fits.
func fitCV(d *Data, y []bool, opt GBDTOptions) *GBDT {
	fold := stratifiedFolds(y, cvFolds, opt.Seed)
	curves := make([][]float64, cvFolds)
	parallelN(cvFolds, func(k int) {
		train, val := foldRows(fold, k)
		m := boost(d.Subset(train), Pick(y, train), d.Subset(val), Pick(y, val), opt, false)
		curves[k] = m.ValidationLoss
	})
	mean := make([]float64, opt.MaxIter)
	for _, c := range curves {
		for it := range mean {
			// A fold that ran out of splits keeps its last loss.
			mean[it] += c[min(it, len(c)-1)] / cvFolds
		}
	}
	best, bestLoss := 1, math.Inf(1)
	for it, l := range mean {
		if l < bestLoss-opt.Tol {
			best, bestLoss = it+1, l
		}
	}
	o := opt
	o.MaxIter = best
	m := boost(d, y, nil, nil, o, false)
	m.ValidationLoss = mean
	return m
}

// stratifiedFolds assigns each row to one of k folds, each outcome spread
// evenly over them; the draw is fixed by seed.
func stratifiedFolds(y []bool, k int, seed uint64) []int {
	fold := make([]int, len(y))
	next := 0
	for _, grp := range byOutcome(y, rand.New(rand.NewPCG(seed, 0xf01d))) {
		for _, i := range grp {
			fold[i] = next % k
			next++
		}
	}
	return fold
}

// foldRows splits the rows into those of fold k (val) and the others.
func foldRows(fold []int, k int) (train, val []int) {
	for i, f := range fold {
		if f == k {
			val = append(val, i)
		} else {
			train = append(train, i)
		}
	}
	return train, val
}

// boost fits the trees on (d, ty). With validation rows vd, vy it records
// their log-loss after each tree (ValidationLoss); with stop it also stops
// when that loss has not improved by Tol for NoChange trees, keeping the
// trees up to the best one.
func boost(d *Data, ty []bool, vd *Data, vy []bool, opt GBDTOptions, stop bool) *GBDT {
	m := &GBDT{numCols: len(d.Num)}
	for j := range d.Features() {
		m.names = append(m.names, d.Name(j))
	}
	tpos, _ := positives(ty)
	m.bins = newBinner(d, opt.MaxBins)
	m.gains = make([]float64, d.Features())
	X := m.bins.bin(d)
	p0 := float64(tpos) / float64(len(ty))
	m.Init = math.Log(p0 / (1 - p0))

	raw := make([]float64, len(ty))
	for i := range raw {
		raw[i] = m.Init
	}
	var vX [][]uint8
	var vRaw []float64
	if vd != nil {
		vX = m.bins.bin(vd)
		vRaw = make([]float64, len(vy))
		for i := range vRaw {
			vRaw[i] = m.Init
		}
	}
	g := &grower{X: X, X4: group4(X), nbins: m.bins.nbins, isCat: make([]bool, len(X)), opt: opt,
		grads: make([]ghPair, len(ty)), gains: m.gains}
	for j := len(d.Num); j < len(X); j++ {
		g.isCat[j] = true
	}
	// ex[i] is e^-raw[i], the probability's denominator less one: kept up
	// to date by one multiplication per row and tree (one exponential per
	// leaf instead of per row), recomputed from raw every tenth tree so that
	// rounding cannot build up.
	ex := make([]float64, len(ty))
	yf := make([]float64, len(ty))
	for i, v := range ty {
		if v {
			yf[i] = 1
		}
	}
	best, bestLoss := 0, math.Inf(1)
	for it := 0; it < opt.MaxIter; it++ {
		refresh := it%10 == 0
		parallel(len(raw), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				if refresh {
					ex[i] = math.Exp(-raw[i])
				}
				p := 1 / (1 + ex[i])
				g.grads[i] = ghPair{p - yf[i], max(p*(1-p), 1e-16)}
			}
		})
		t, leaves := g.grow()
		if len(t.nodes) == 1 && it > 0 {
			break // no split is worth it any more
		}
		m.Trees = append(m.Trees, t)
		// Each leaf's rows are together in g.rows: add its value to them,
		// the leaves shared out over two goroutines.
		parallelN(len(leaves), func(k int) {
			l := leaves[k]
			v := t.nodes[l.node].value
			ev := math.Exp(-v)
			for _, r := range g.rows[l.lo:l.hi] {
				raw[r] += v
				ex[r] *= ev
			}
		})
		if vd != nil {
			loss := 0.0
			for i := range vRaw {
				vRaw[i] += t.predictBinned(vX, i)
				loss += logLoss(vy[i], vRaw[i])
			}
			loss /= float64(len(vRaw))
			m.ValidationLoss = append(m.ValidationLoss, loss)
			if loss < bestLoss-opt.Tol {
				best, bestLoss = len(m.Trees), loss
			} else if stop && len(m.Trees)-best >= opt.NoChange {
				break
			}
		} else {
			best = len(m.Trees)
		}
	}
	m.Trees = m.Trees[:best]
	m.Iterations = best
	return m
}

func logLoss(y bool, z float64) float64 {
	// log(1 + e^-z) for y, log(1 + e^z) otherwise, without overflow.
	if !y {
		z = -z
	}
	if z > 0 {
		return math.Log1p(math.Exp(-z))
	}
	return -z + math.Log1p(math.Exp(z))
}

func (t *tree) predictBinned(X [][]uint8, i int) float64 {
	k := 0
	for {
		n := &t.nodes[k]
		if n.left < 0 {
			return n.value
		}
		if n.goLeft(X[n.feature][i]) {
			k = int(n.left)
		} else {
			k = int(n.right)
		}
	}
}

// binRow bins row i of d.
func (m *GBDT) binRow(d *Data, i int, dst []uint8) {
	for j := range d.Num {
		dst[j] = m.bins.numBin(j, d.Num[j][i])
	}
	for j := range d.Cat {
		dst[len(d.Num)+j] = m.bins.catBinOf(j, d.Cat[j][i])
	}
}

// Predict returns the probability of the outcome for each row of d (which
// must have the training columns, in order).
func (m *GBDT) Predict(d *Data) []float64 {
	n := d.Rows()
	out := make([]float64, n)
	parallel(n, func(lo, hi int) {
		m.predictAll(d, lo, hi, out)
		for i := lo; i < hi; i++ {
			out[i] = sigmoid(out[i])
		}
	})
	return out
}

func (t *tree) predictRow(row []uint8) float64 {
	k := 0
	for {
		n := &t.nodes[k]
		if n.left < 0 {
			return n.value
		}
		if n.goLeft(row[n.feature]) {
			k = int(n.left)
		} else {
			k = int(n.right)
		}
	}
}

// Explain returns the log-odds of row i of d split into a bias and one
// contribution per feature (path attribution: each split adds the change
// of the node value along the row's path to the split's feature); bias plus
// the contributions is the row's log-odds exactly.
func (m *GBDT) Explain(d *Data, i int) (bias float64, contrib []float64) {
	bias, _, contrib = m.explain(d, i)
	return bias, contrib
}

// PredictExplain returns row i's probability, the same as Predict's, with
// its contributions as Explain gives them, from one walk of the trees.
func (m *GBDT) PredictExplain(d *Data, i int) (p float64, contrib []float64) {
	_, z, contrib := m.explain(d, i)
	return sigmoid(z), contrib
}

// explain walks row i through the trees: the bias and contributions of
// Explain, and the log-odds z summed leaf by leaf as Predict sums it.
func (m *GBDT) explain(d *Data, i int) (bias, z float64, contrib []float64) {
	row := make([]uint8, d.Features())
	m.binRow(d, i, row)
	contrib = make([]float64, d.Features())
	bias, z = m.Init, m.Init
	for t := range m.Trees {
		nodes := m.Trees[t].nodes
		bias += nodes[0].value
		k := 0
		for nodes[k].left >= 0 {
			n := &nodes[k]
			next := n.right
			if n.goLeft(row[n.feature]) {
				next = n.left
			}
			contrib[n.feature] += nodes[next].value - n.value
			k = int(next)
		}
		z += nodes[k].value
	}
	return bias, z, contrib
}

// Importance is each feature's share of the total split gain.
func (m *GBDT) Importance() []Contribution {
	total := 0.0
	for _, g := range m.gains {
		total += g
	}
	out := make([]Contribution, len(m.gains))
	for j, g := range m.gains {
		out[j] = Contribution{Feature: m.names[j], Value: g / max(total, 1e-300)}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Value > out[b].Value })
	return out
}

// grower grows one tree on the current gradients.
type grower struct {
	// X is the binned columns, one byte a row, read by the partitions; X4
	// the same four to a row, read by the histograms (a partition reads one
	// feature, and its byte column keeps four times the rows in cache).
	X     [][]uint8
	nbins []int
	isCat []bool
	opt   GBDTOptions
	grads []ghPair // each row's gradient and hessian
	gains []float64
	X4    [][]uint32
	rows  []int32   // row indices, partitioned by leaf
	buf   []int32   // scratch of partition
	free  [][]histo // released histograms
	gh    []ghPair  // a leaf's gradients and hessians, in its row order
	spare [2]histo  // where the missing features of the last group add up
}

// leaf is a leaf being grown: its rows are g.rows[lo:hi].
type leaf struct {
	node   int
	lo, hi int
	depth  int
	g, h   float64
	hist   []histo
	split  split
}

type split struct {
	gain        float64
	feature     int
	bin         uint8
	missingLeft bool
	catLeft     *[4]uint64
	gl, hl      float64
	nl          int
}

type leafHeap []*leaf

func (q leafHeap) Len() int           { return len(q) }
func (q leafHeap) Less(i, j int) bool { return q[i].split.gain > q[j].split.gain }
func (q leafHeap) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *leafHeap) Push(x any)        { *q = append(*q, x.(*leaf)) }
func (q *leafHeap) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

func (g *grower) value(G, H float64) float64 {
	return -G / (H + g.opt.L2) * g.opt.LearningRate
}

func (g *grower) score(G, H float64) float64 { return G * G / (H + g.opt.L2) }

// grow grows one tree and returns it with its leaves (node and row range
// in g.rows).
func (g *grower) grow() (tree, []*leaf) {
	n := len(g.grads)
	if g.rows == nil {
		g.rows = make([]int32, n)
	}
	for i := range g.rows {
		g.rows[i] = int32(i)
	}
	var G, H float64
	for _, x := range g.grads {
		G += x.g
		H += x.h
	}
	t := tree{nodes: []node{{feature: -1, left: -1, right: -1, value: g.value(G, H)}}}
	root := &leaf{node: 0, lo: 0, hi: n, g: G, h: H}
	root.hist = g.histogram(root.lo, root.hi)
	g.findSplit(root)
	q := &leafHeap{}
	if root.split.gain > 0 {
		heap.Push(q, root)
	}
	done := []*leaf{} // leaves that will not be split
	if root.split.gain <= 0 {
		done = append(done, root)
	}
	leaves := 1
	for q.Len() > 0 && leaves < g.opt.MaxLeafNodes {
		l := heap.Pop(q).(*leaf)
		s := l.split
		g.gains[s.feature] += s.gain
		mid := g.partition(l, s)
		left := &leaf{lo: l.lo, hi: mid, depth: l.depth + 1, g: s.gl, h: s.hl}
		right := &leaf{lo: mid, hi: l.hi, depth: l.depth + 1, g: l.g - s.gl, h: l.h - s.hl}
		// The smaller child's histogram is built, the larger's is the
		// parent's minus it.
		small, large := left, right
		if right.hi-right.lo < left.hi-left.lo {
			small, large = right, left
		}
		small.hist = g.histogram(small.lo, small.hi)
		large.hist = l.hist
		for f := range large.hist {
			for b := range large.hist[f] {
				large.hist[f][b].g -= small.hist[f][b].g
				large.hist[f][b].h -= small.hist[f][b].h
				large.hist[f][b].n -= small.hist[f][b].n
			}
		}
		left.node, right.node = len(t.nodes), len(t.nodes)+1
		nd := &t.nodes[l.node]
		nd.feature, nd.left, nd.right = int32(s.feature), int32(left.node), int32(right.node)
		nd.bin, nd.missingLeft, nd.catLeft = s.bin, s.missingLeft, s.catLeft
		t.nodes = append(t.nodes,
			node{feature: -1, left: -1, right: -1, value: g.value(left.g, left.h)},
			node{feature: -1, left: -1, right: -1, value: g.value(right.g, right.h)})
		leaves++
		// The children's best splits, found side by side.
		splittable := func(c *leaf) bool {
			return (g.opt.MaxDepth == 0 || c.depth < g.opt.MaxDepth) && c.hi-c.lo >= 2*g.opt.MinSamplesLeaf
		}
		var wg sync.WaitGroup
		for _, c := range []*leaf{left, right} {
			if splittable(c) {
				wg.Go(func() { g.findSplit(c) })
			}
		}
		wg.Wait()
		for _, c := range []*leaf{left, right} {
			if splittable(c) && c.split.gain > 0 {
				heap.Push(q, c)
			} else {
				g.release(c)
				done = append(done, c)
			}
		}
	}
	for _, l := range *q { // still splittable, but out of leaves
		g.release(l)
		done = append(done, l)
	}
	return t, done
}

// histogram sums the gradients and hessians of rows[lo:hi] per feature and
// bin, four features at a time (hist4), the groups shared out over two
// goroutines.
func (g *grower) histogram(lo, hi int) []histo {
	hist := g.newHist()
	rows := g.rows[lo:hi]
	// Gradients in row order of the leaf, so that the kernel reads them
	// sequentially; the root's rows are all rows in order.
	gh := g.grads
	if len(rows) < len(g.grads) {
		if cap(g.gh) < len(rows) {
			g.gh = make([]ghPair, len(g.grads))
		}
		gh = g.gh[:len(rows)]
		gather := func(lo, hi int) {
			for k := lo; k < hi; k++ {
				gh[k] = g.grads[rows[k]]
			}
		}
		if len(rows) >= 16384 {
			var wg sync.WaitGroup
			wg.Go(func() { gather(0, len(rows)/2) })
			gather(len(rows)/2, len(rows))
			wg.Wait()
		} else {
			gather(0, len(rows))
		}
	}
	var wg sync.WaitGroup
	ng := len(g.X4)
	parts := 1
	if len(rows) >= 1024 && ng > 1 {
		parts = 2
	}
	for p := range parts {
		wg.Go(func() {
			for k := p; k < ng; k += parts {
				var h [4]*histo
				for i := range h {
					if f := 4*k + i; f < len(hist) {
						h[i] = &hist[f]
					} else {
						h[i] = &g.spare[p]
					}
				}
				hist4(h, g.X4[k], rows, gh)
			}
		})
	}
	wg.Wait()
	return hist
}

// newHist returns a zeroed histogram set, reusing a released one.
func (g *grower) newHist() []histo {
	if k := len(g.free); k > 0 {
		h := g.free[k-1]
		g.free = g.free[:k-1]
		clear(h)
		return h
	}
	return make([]histo, len(g.X))
}

// release gives l's histograms back for reuse.
func (g *grower) release(l *leaf) {
	if l.hist != nil {
		g.free = append(g.free, l.hist)
		l.hist = nil
	}
}

// findSplit sets l.split to the best split of l (gain 0: none).
func (g *grower) findSplit(l *leaf) {
	l.split = split{}
	parent := g.score(l.g, l.h)
	minLeaf := float64(g.opt.MinSamplesLeaf)
	const minHess = 1e-3
	total := float64(l.hi - l.lo)
	for f := range l.hist {
		h := &l.hist[f]
		miss := h[missingBin]
		nb := g.nbins[f]
		// consider makes the split with left sums (gl, hl, nl) the best when
		// it is allowed and gains more, and reports whether it did.
		consider := func(gl, hl, nl float64, b uint8, missLeft bool) bool {
			nr := total - nl
			gr, hr := l.g-gl, l.h-hl
			if nl < minLeaf || nr < minLeaf || hl < minHess || hr < minHess {
				return false
			}
			gain := g.score(gl, hl) + g.score(gr, hr) - parent
			if gain > l.split.gain+1e-12 {
				l.split = split{gain: gain, feature: f, bin: b, missingLeft: missLeft, gl: gl, hl: hl, nl: int(nl)}
				return true
			}
			return false
		}
		if !g.isCat[f] {
			var gl, hl, nl float64
			for b := 0; b < nb-1; b++ {
				c := h[b]
				gl, hl, nl = gl+c.g, hl+c.h, nl+c.n
				consider(gl, hl, nl, uint8(b), false)
				if miss.n > 0 {
					consider(gl+miss.g, hl+miss.h, nl+miss.n, uint8(b), true)
				}
			}
			// Every value left, missing ones right.
			if miss.n > 0 {
				consider(l.g-miss.g, l.h-miss.h, total-miss.n, uint8(nb-1), false)
			}
			continue
		}
		// Categories with enough support (missing among them), ordered by
		// G/(H + smoothing) (Fisher's grouping), as scikit-learn does: a
		// category's support is its share of the node's hessian times the
		// node's rows; the order is scanned from both ends up to its
		// middle, the scanned categories going left, so that the
		// categories with too little support always go right with the
		// larger half.
		type catStat struct {
			b    int
			key  float64
			g, h float64
			n    float64
		}
		var cs []catStat
		support := total / l.h
		for b := 0; b < nb; b++ {
			if c := h[b]; c.n > 0 && c.h*support >= catMinSupport {
				cs = append(cs, catStat{b, c.g / (c.h + catSmooth), c.g, c.h, c.n})
			}
		}
		if miss.n > 0 && miss.h*support >= catMinSupport {
			cs = append(cs, catStat{missingBin, miss.g / (miss.h + catSmooth), miss.g, miss.h, miss.n})
		}
		if len(cs) < 2 {
			continue
		}
		slices.SortFunc(cs, func(a, b catStat) int {
			switch {
			case a.key < b.key:
				return -1
			case a.key > b.key:
				return 1
			}
			return a.b - b.b
		})
		for dir, middle := range [2]int{(len(cs) + 1) / 2, (len(cs)+1)/2 - 1} {
			var gl, hl, nl float64
			for i := range middle {
				k := i
				if dir == 1 {
					k = len(cs) - 1 - i
				}
				gl, hl, nl = gl+cs[k].g, hl+cs[k].h, nl+cs[k].n
				if !consider(gl, hl, nl, 0, false) {
					continue
				}
				// The scanned categories go left: built only for a new best.
				left := cs[:k+1]
				if dir == 1 {
					left = cs[k:]
				}
				set := new([4]uint64)
				for _, c := range left {
					if c.b == missingBin {
						l.split.missingLeft = true
						continue
					}
					set[c.b>>6] |= 1 << (c.b & 63)
				}
				l.split.catLeft = set
			}
		}
	}
}

// catSmooth damps the ordering of small categories (LightGBM's
// cat_smooth).
const catSmooth = 10

// catMinSupport is the least support (hessian share times rows) a
// category needs in a node to take part in its split (scikit-learn's
// MIN_CAT_SUPPORT); the others, whose order by G/H is mostly noise, go
// right with the unseen categories.
const catMinSupport = 10

// partition reorders rows[l.lo:l.hi] so that the rows going left come
// first, and returns where the right ones start. Both parts keep their
// ascending order, so that histograms read the columns front to back.
func (g *grower) partition(l *leaf, s split) int {
	nd := node{bin: s.bin, missingLeft: s.missingLeft, catLeft: s.catLeft}
	col := g.X[s.feature]
	rows := g.rows[l.lo:l.hi]
	if cap(g.buf) < len(rows) {
		g.buf = make([]int32, len(g.rows))
	}
	// Each half of the rows is split into its left rows (kept in place)
	// and its right rows (to the scratch); then the first half's right
	// rows move behind the second half's left rows.
	half := len(rows) / 2
	if len(rows) < 16384 {
		half = len(rows)
	}
	var nl [2]int
	// right[b] is 1 when bin b goes right: each row is written to both
	// sides and kept on one, with no branch to mispredict.
	var right [256]int
	for b := range right {
		if !nd.goLeft(uint8(b)) {
			right[b] = 1
		}
	}
	part := func(k int, rs, buf []int32) {
		i, j := 0, 0
		buf = buf[:len(rs)]
		for _, r := range rs {
			x := right[col[r]]
			rs[i] = r
			buf[j] = r
			i += 1 - x
			j += x
		}
		nl[k] = i
	}
	if half == len(rows) {
		part(0, rows, g.buf)
		copy(rows[nl[0]:], g.buf[:len(rows)-nl[0]])
		return l.lo + nl[0]
	}
	var wg sync.WaitGroup
	wg.Go(func() { part(0, rows[:half], g.buf[:half]) })
	part(1, rows[half:], g.buf[half:len(rows)])
	wg.Wait()
	r0, r1 := half-nl[0], len(rows)-half-nl[1]
	copy(rows[nl[0]:], rows[half:half+nl[1]])        // second half's left rows
	copy(rows[nl[0]+nl[1]:], g.buf[:r0])             // first half's right rows
	copy(rows[nl[0]+nl[1]+r0:], g.buf[half:half+r1]) // second half's right rows
	return l.lo + nl[0] + nl[1]
}

// byOutcome returns the rows with each outcome (positives first), each
// list shuffled by rng.
func byOutcome(y []bool, rng *rand.Rand) [2][]int {
	var grp [2][]int
	for i, v := range y {
		if v {
			grp[0] = append(grp[0], i)
		} else {
			grp[1] = append(grp[1], i)
		}
	}
	for _, g := range grp {
		rng.Shuffle(len(g), func(a, b int) { g[a], g[b] = g[b], g[a] })
	}
	return grp
}

// StratifiedSplit draws a share frac of the rows, with the same share of
// each outcome, as the test (or validation) rows; the rest are the training
// rows. Both are in ascending order; the draw is fixed by seed.
func StratifiedSplit(y []bool, frac float64, seed uint64) (train, test []int) {
	isTest := make([]bool, len(y))
	for _, grp := range byOutcome(y, rand.New(rand.NewPCG(seed, 0x5eed))) {
		k := int(math.Round(frac * float64(len(grp))))
		for _, i := range grp[:k] {
			isTest[i] = true
		}
	}
	for i, t := range isTest {
		if t {
			test = append(test, i)
		} else {
			train = append(train, i)
		}
	}
	return train, test
}

// Holdout splits the rows into training and test rows: by time when at
// least 90 % of them have one (times[i] not zero) and both outcomes fall on
// both sides — the latest share frac are the test and rows without a time
// train — else at random, stratified by outcome (StratifiedSplit with
// seed). kind is "time" or "stratified". Both are in ascending order.
func Holdout(y []bool, times []time.Time, frac float64, seed uint64) (train, test []int, kind string) {
	known := 0
	for _, t := range times {
		if !t.IsZero() {
			known++
		}
	}
	if known >= len(times)*9/10 && known > 0 {
		idx := make([]int, len(times))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int { return times[a].Compare(times[b]) })
		k := len(idx) - int(math.Round(frac*float64(len(idx))))
		train, test = slices.Clone(idx[:k]), slices.Clone(idx[k:])
		slices.Sort(train)
		slices.Sort(test)
		if hasBoth(y, train) && hasBoth(y, test) {
			return train, test, "time"
		}
	}
	train, test = StratifiedSplit(y, frac, seed)
	return train, test, "stratified"
}

func hasBoth(y []bool, rows []int) bool {
	var p, n bool
	for _, r := range rows {
		if y[r] {
			p = true
		} else {
			n = true
		}
	}
	return p && n
}

// parallelN calls fn(k) for k in 0..n-1, shared out over two goroutines.
func parallelN(n int, fn func(k int)) {
	var wg sync.WaitGroup
	for p := range 2 {
		wg.Go(func() {
			for k := p; k < n; k += 2 {
				fn(k)
			}
		})
	}
	wg.Wait()
}

// parallel calls fn on two halves of 0..n-1 at once (one part when n is
// small).
func parallel(n int, fn func(lo, hi int)) {
	if n < 20000 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	wg.Go(func() { fn(0, n/2) })
	fn(n/2, n)
	wg.Wait()
}
