// Package cluster groups rows that have numeric and categorical columns,
// with k-prototypes, and chooses the number of groups. It works on plain
// slices and knows nothing of stores.
//
// # Method
//
// k-prototypes (Huang 1997, 1998) extends k-means to mixed data. Each
// cluster has a prototype: a mean for every numeric column and a mode for
// every categorical one. The dissimilarity of a row x and a prototype q is
//
//	d(x, q) = (P / P_x) * ( Σ_j (z_j - q_j)² + γ Σ_l [c_l ≠ m_l] )
//
// where the first sum runs over the numeric columns, standardised to
// z-scores (mean 0, sample standard deviation 1, over the present values),
// the second over the categorical columns, γ is Options.Gamma, P is the
// number of columns used and P_x the number of them present in x. A missing
// value (NaN, or the code -1) contributes nothing for its column; the factor
// P / P_x rescales the distance of an incomplete row to the share of columns
// present, so that rows with gaps are not made to look close to everything.
// A row with no present value has distance 0 to every prototype: it stays
// in the cluster it first joins and changes no prototype. A numeric column with a standard deviation of 0
// (or fewer than two present values) and a categorical column with fewer
// than two categories cannot separate rows and are left out of the
// distances (they still get a centroid or mode in the Result).
//
// The default γ follows Huang's suggestion of half the mean standard
// deviation of the numeric columns: after standardising every standard
// deviation is 1, so γ = 0.5, and one categorical mismatch weighs as much as
// a squared z difference of 0.5 (0.71 standard deviations) in one numeric
// column.
//
// Fitting follows Lloyd's scheme. Prototypes are seeded as in k-means++
// (Arthur and Vassilvitskii 2007), using d as the squared distance: the
// first is a row drawn uniformly, each next one a row drawn with
// probability proportional to its d to the nearest prototype so far. Then
// rows are assigned to the nearest prototype (a row keeps its cluster
// unless another is strictly nearer; among equals the lowest index wins)
// and prototypes are recomputed: the mean of the present values of each
// numeric column and the most frequent present category of each
// categorical column, the smallest code among equally frequent ones. A
// column with no present value in a cluster keeps its previous prototype
// value. The factor P / P_x does not change which prototype is nearest, and
// plain means and modes minimise the unscaled sum exactly, so no iteration
// increases the unscaled cost and the loop stops when no label changes (or
// after Options.MaxIter passes). A cluster left empty is re-seeded with the
// row farthest from its prototype. Each k is fitted Options.Restarts times
// from different seedings and the fit of lowest cost is kept. Seeded rows
// fill their own missing values with the column mean (0) or the most
// frequent category, so prototypes are always complete.
//
// # Choosing k
//
// The number of clusters is the k in [KMin, KMax] with the highest mean
// silhouette (Rousseeuw 1987), ties going to the smaller k:
//
//	s(i) = (b(i) - a(i)) / max(a(i), b(i))
//
// where a(i) is the mean d between row i and the other rows of its cluster
// and b(i) the smallest mean d between row i and the rows of another
// cluster; s(i) = 0 for a row alone in its cluster. Pair distances use the
// same formula as d, over the columns present in both rows (a pair with
// none in common is left out). k = 1 has no silhouette: it is returned only
// when KMax is 1.
//
// Every k is fitted on a seeded random sample of Options.SampleSize rows
// (all rows when there are fewer). The silhouette is the exact one, on at
// most 4000 rows of that sample (drawn at random), not the simplified
// silhouette (distance to the own prototype against the nearest other
// prototype) on the whole sample. The exact silhouette is the criterion as
// defined and studied, and it sees the spread of each cluster: with the
// squared differences of d, the mean distance of a row to the members of a
// cluster is (about) its distance to their mean plus their variance, and a
// mode does not say how mixed a cluster's categories are; the simplified
// silhouette drops both. The cost
// is one triangle of 4000·3999/2 pair distances (32 MB), which does not
// depend on k and is computed once for every k (about 0.13 s on two
// cores; then about 15 ms per k). The sampling error is small: s(i) lies
// in [-1, 1], so the standard error of the mean over 4000 rows is below
// 0.016, and all k are scored on the same rows, so their differences vary
// less. The chosen k is then fitted on all rows, starting from the
// prototypes of the best fit on the sample (no restarts); when all rows are
// in the sample that fit is the result.
//
// The cost of a fit is proportional to passes × rows × k × columns; the
// table of used columns is copied row by row (8 bytes per numeric and 4
// per categorical cell).
//
// # Determinism
//
// The same data, options and seed give the same Result, bit for bit, with
// any number of CPUs (on one architecture: the compiler may fuse
// multiply-adds on some, such as arm64). Random numbers come from PCG
// generators seeded from Options.Seed and a fixed stream per use (sampling,
// each k and restart); rows are processed in fixed chunks whose partial
// sums are added in chunk order; no result depends on map order or on which
// goroutine finishes first.
//
// References: Z. Huang (1997), Clustering large data sets with mixed numeric
// and categorical values, Proc. 1st Pacific-Asia Conference on Knowledge
// Discovery and Data Mining, 21–34; Z. Huang (1998), Extensions to the
// k-means algorithm for clustering large data sets with categorical values,
// Data Mining and Knowledge Discovery 2, 283–304; D. Arthur and
// S. Vassilvitskii (2007), k-means++: the advantages of careful seeding,
// SODA, 1027–1035; P. J. Rousseeuw (1987), Silhouettes: a graphical aid to
// the interpretation and validation of cluster analysis, J. Comput. Appl.
// Math. 20, 53–65; L. Hubert and P. Arabie (1985), Comparing partitions,
// J. Classification 2, 193–218.
package cluster

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Data are the columns to cluster. Every column has one value per row.
type Data struct {
	Numeric     [][]float64 // columns; NaN = missing
	Categorical [][]int32   // columns of category codes (>= 0); -1 = missing
	// Names of the columns, optional: used in error messages. When set they
	// have one entry per column.
	NumericNames, CategoricalNames []string
}

// Options tune KPrototypes. The zero value of a field takes its default.
type Options struct {
	KMin, KMax int // inclusive range of k tried; defaults 2 and 8
	// Seed makes the result reproducible: the same seed and data give the
	// same Result, bit for bit. 0 is a seed like any other.
	Seed uint64
	// Gamma is the weight of one categorical mismatch against squared
	// differences of z-scores; 0 means Huang's default, 0.5.
	Gamma    float64
	MaxIter  int // most assignment passes per fit; default 100
	Restarts int // seedings per k on the sample, the best kept; default 4
	// SampleSize is the number of rows (drawn at random) on which every k is
	// fitted and the criterion computed; default 20000, all rows when there
	// are fewer. The chosen k is then fitted on all rows.
	SampleSize int
}

const (
	defaultKMin       = 2
	defaultKMax       = 8
	defaultGamma      = 0.5
	defaultMaxIter    = 100
	defaultRestarts   = 4
	defaultSampleSize = 20000
	// silhouetteRows is the most rows of the sample on which the exact
	// silhouette is computed.
	silhouetteRows = 4000
)

func (o *Options) defaults() {
	if o.KMin == 0 {
		o.KMin = defaultKMin
	}
	if o.KMax == 0 {
		o.KMax = defaultKMax
	}
	if o.Gamma == 0 {
		o.Gamma = defaultGamma
	}
	if o.MaxIter <= 0 {
		o.MaxIter = defaultMaxIter
	}
	if o.Restarts <= 0 {
		o.Restarts = defaultRestarts
	}
	if o.SampleSize <= 0 {
		o.SampleSize = defaultSampleSize
	}
}

// Result is a clustering.
type Result struct {
	K int
	// Labels holds the cluster of each row, 0..K-1. Clusters are numbered
	// by size, largest first; clusters of equal size by their first row.
	Labels []int
	Sizes  []int // rows per cluster
	// Centroids holds, per cluster, the mean of the present values of every
	// numeric column of Data, in the original units (also for columns left
	// out of the distances); NaN when the cluster has no present value.
	Centroids [][]float64
	// Modes holds, per cluster, the most frequent code of every categorical
	// column of Data (the smallest among equally frequent ones), -1 when the
	// cluster has no present value.
	Modes [][]int32
	// Cost is Σ d(row, prototype of its cluster) over all rows, in
	// standardised units (see the package documentation for d).
	Cost      float64
	Criterion string          // the criterion that chose K: "silhouette"
	Scores    map[int]float64 // criterion value of each k tried (k >= 2)
	// Iterations is the number of assignment passes of the final fit.
	Iterations int
	Seed       uint64  // Options.Seed
	Gamma      float64 // the γ used
}

// Criterion names.
const Silhouette = "silhouette"

var (
	// ErrNoData is returned when Data has no column or no row.
	ErrNoData = errors.New("cluster: no data")
	// ErrNoVariation is returned when no column can separate rows: every
	// numeric column is constant or missing and every categorical column
	// has at most one category.
	ErrNoVariation = errors.New("cluster: no column varies")
	// ErrTooFewDistinct is returned when no k in the range can be fitted
	// without an empty cluster (fewer distinct rows than k).
	ErrTooFewDistinct = errors.New("cluster: fewer distinct rows than clusters")
)

// KPrototypes clusters the rows of d with k-prototypes, choosing k in
// [opt.KMin, opt.KMax] by the mean silhouette (see the package
// documentation).
//
// It returns ErrNoData for empty data, an error naming the column for
// columns of different lengths, infinite values or codes below -1, an error
// for KMin < 1, KMax < KMin, KMax above the number of rows or above
// SampleSize, or a negative Gamma, ErrNoVariation, ErrTooFewDistinct, and
// the context's error (wrapped) when ctx is cancelled. It does not modify d
// and may be called concurrently.
func KPrototypes(ctx context.Context, d Data, opt Options) (Result, error) {
	opt.defaults()
	t, err := prepare(d)
	if err != nil {
		return Result{}, err
	}
	n := t.n
	switch {
	case opt.KMin < 1:
		return Result{}, fmt.Errorf("cluster: KMin %d is below 1", opt.KMin)
	case opt.KMax < opt.KMin:
		return Result{}, fmt.Errorf("cluster: KMax %d is below KMin %d", opt.KMax, opt.KMin)
	case opt.KMax > n:
		return Result{}, fmt.Errorf("cluster: KMax %d is larger than the %d rows", opt.KMax, n)
	case opt.KMax > opt.SampleSize:
		return Result{}, fmt.Errorf("cluster: KMax %d is larger than SampleSize %d", opt.KMax, opt.SampleSize)
	case opt.Gamma < 0 || math.IsNaN(opt.Gamma) || math.IsInf(opt.Gamma, 0):
		return Result{}, fmt.Errorf("cluster: Gamma %v is not a non-negative number", opt.Gamma)
	}
	if err := ctx.Err(); err != nil {
		return Result{}, fmt.Errorf("cluster: %w", err)
	}

	// The sample on which every k is fitted.
	sample := t
	var rows []int // sampled rows, ascending; nil when all rows
	if n > opt.SampleSize {
		rows = sampleRows(newRNG(opt.Seed, streamSample), n, opt.SampleSize)
		sample = t.subset(rows)
	}
	// The rows of the sample on which the silhouette is computed.
	silPos := sampleRows(newRNG(opt.Seed, streamSilhouette), sample.n, min(sample.n, silhouetteRows))
	var tri []float32
	if opt.KMax >= 2 {
		tri, err = pairDistances(ctx, sample, silPos, opt.Gamma)
		if err != nil {
			return Result{}, err
		}
	}

	// Fit every k on the sample, in parallel over k; each k has its own
	// random streams, so the order in which they run does not matter.
	nk := opt.KMax - opt.KMin + 1
	fits := make([]*fit, nk)
	scores := make([]float64, nk)
	errs := make([]error, nk)
	forEach(nk, func(i int) bool {
		k := opt.KMax - i // largest k (the longest fits) first
		i = k - opt.KMin
		f, err := bestFit(ctx, sample, k, opt)
		if err != nil {
			errs[i] = err
			return false
		}
		fits[i] = f
		scores[i] = math.NaN()
		if k >= 2 && !f.hasEmpty() {
			lab := make([]int32, len(silPos))
			for j, p := range silPos {
				lab[j] = f.labels[p]
			}
			scores[i] = silhouette(tri, lab, k)
		}
		return true
	})
	for _, err := range errs {
		if err != nil {
			return Result{}, err
		}
	}

	// The k of highest score; ties to the smaller k.
	chosen := -1
	res := Result{Criterion: Silhouette, Scores: map[int]float64{}, Seed: opt.Seed, Gamma: opt.Gamma}
	for i, s := range scores {
		if math.IsNaN(s) {
			continue
		}
		res.Scores[opt.KMin+i] = s
		if chosen < 0 || s > scores[chosen] {
			chosen = i
		}
	}
	if chosen < 0 {
		// Only k = 1 (no silhouette) or only fits with empty clusters.
		if opt.KMax != 1 {
			return Result{}, ErrTooFewDistinct
		}
		chosen = 0
	}
	k := opt.KMin + chosen
	f := fits[chosen]
	if rows != nil {
		// Final fit on all rows, from the sample's prototypes.
		g := newFit(t, k, opt.Gamma)
		copy(g.mu, f.mu)
		copy(g.mode, f.mode)
		if err := g.lloyd(ctx, opt.MaxIter); err != nil {
			return Result{}, err
		}
		f = g
	}
	res.K = k
	res.Cost = f.cost
	res.Iterations = f.iters
	summarise(&res, d, t, f)
	return res, nil
}

// summarise fills the labels, sizes, centroids and modes of res from f,
// numbering clusters by decreasing size (ties: first row first).
func summarise(res *Result, d Data, t *table, f *fit) {
	k, n := f.k, t.n
	sizes := make([]int, k)
	first := make([]int, k)
	for c := range first {
		first[c] = n
	}
	for i, l := range f.labels {
		sizes[l]++
		if first[l] == n {
			first[l] = i
		}
	}
	order := make([]int, k) // order[new] = old
	for c := range order {
		order[c] = c
	}
	slices.SortFunc(order, func(a, b int) int {
		if sizes[a] != sizes[b] {
			return sizes[b] - sizes[a]
		}
		return first[a] - first[b]
	})
	rank := make([]int, k) // rank[old] = new
	for nw, old := range order {
		rank[old] = nw
	}
	res.Labels = make([]int, n)
	for i, l := range f.labels {
		res.Labels[i] = rank[l]
	}
	res.Sizes = make([]int, k)
	for c := range res.Sizes {
		res.Sizes[c] = sizes[order[c]]
	}

	res.Centroids = make([][]float64, k)
	res.Modes = make([][]int32, k)
	for c := range k {
		res.Centroids[c] = make([]float64, len(d.Numeric))
		res.Modes[c] = make([]int32, len(d.Categorical))
	}
	sum := make([]float64, k)
	cnt := make([]int, k)
	for j, col := range d.Numeric {
		clear(sum)
		clear(cnt)
		for i, v := range col {
			if !math.IsNaN(v) {
				c := res.Labels[i]
				sum[c] += v
				cnt[c]++
			}
		}
		for c := range k {
			res.Centroids[c][j] = math.NaN()
			if cnt[c] > 0 {
				res.Centroids[c][j] = sum[c] / float64(cnt[c])
			}
		}
	}
	for j, col := range d.Categorical {
		levels := t.levels[j]
		L := len(levels)
		counts := make([]int, k*L)
		for i, v := range col {
			if v >= 0 {
				l, _ := slices.BinarySearch(levels, v)
				counts[res.Labels[i]*L+l]++
			}
		}
		for c := range k {
			res.Modes[c][j] = -1
			if l := argmaxInt(counts[c*L : (c+1)*L]); l >= 0 {
				res.Modes[c][j] = levels[l]
			}
		}
	}
}

// argmaxInt returns the index of the largest positive count, the smallest
// index among equals, or -1 when all counts are 0.
func argmaxInt(counts []int) int {
	best, bc := -1, 0
	for l, c := range counts {
		if c > bc {
			best, bc = l, c
		}
	}
	return best
}

// Random streams: each use of randomness has its own PCG stream.
const (
	streamSample     = 1
	streamSilhouette = 2
	streamFit        = 1 << 32 // | k<<16 | restart
)

func newRNG(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream))
}

// sampleRows returns m distinct indexes of 0..n-1 drawn uniformly (a
// partial Fisher-Yates shuffle), in ascending order.
func sampleRows(rng *rand.Rand, n, m int) []int {
	if m >= n {
		all := make([]int, n)
		for i := range all {
			all[i] = i
		}
		return all
	}
	perm := make([]int32, n)
	for i := range perm {
		perm[i] = int32(i)
	}
	for i := range m {
		j := i + rng.IntN(n-i)
		perm[i], perm[j] = perm[j], perm[i]
	}
	out := make([]int, m)
	for i := range out {
		out[i] = int(perm[i])
	}
	slices.Sort(out)
	return out
}

// bestFit fits k clusters to t opt.Restarts times and returns the fit of
// lowest cost (the first among equals).
func bestFit(ctx context.Context, t *table, k int, opt Options) (*fit, error) {
	var best *fit
	for r := range opt.Restarts {
		f := newFit(t, k, opt.Gamma)
		if err := f.seed(ctx, newRNG(opt.Seed, streamFit|uint64(k)<<16|uint64(r))); err != nil {
			return nil, err
		}
		if err := f.lloyd(ctx, opt.MaxIter); err != nil {
			return nil, err
		}
		if best == nil || f.cost < best.cost {
			best = f
		}
	}
	return best, nil
}
