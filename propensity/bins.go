package propensity

import (
	"math"
	"math/bits"
	"slices"
	"sort"
	"sync"
)

// missingBin is the bin of missing values (and of categories not seen in
// training); the other bins are 0..missingBin-1.
const missingBin = 255

// binner maps raw values to bins: a numeric value v goes to the first bin b
// with v <= edges[b] (the last bin when v is above every edge); a category
// code to catBin[code].
type binner struct {
	edges  [][]float64 // per numeric column
	catBin [][]uint8   // per categorical column, by code
	nbins  []int       // non-missing bins per feature
	// keys holds each numeric column's edges as order keys (orderKey),
	// padded with the key of +Inf to 256, for numBin's search of fixed
	// length.
	keys [][256]uint64
}

// pad sets b.keys from b.edges.
func (b *binner) pad() {
	b.keys = make([][256]uint64, len(b.edges))
	for j, e := range b.edges {
		p := &b.keys[j]
		for k := range p {
			if k < len(e) {
				p[k] = orderKey(e[k])
			} else {
				p[k] = orderKey(math.Inf(1))
			}
		}
	}
}

// orderKey maps a float64 other than NaN to a uint64 in the same order
// (-0 and +0 to the same key), so that numBin compares integers, which
// compile to no branch.
func orderKey(v float64) uint64 {
	u := math.Float64bits(v + 0) // -0 + 0 is +0
	// Negative: flip every bit (more negative, smaller); else set the sign.
	return u ^ (uint64(int64(u)>>63) | 1<<63)
}

// binSample caps the rows that set the quantile edges.
const binSample = 200_000

// newBinner finds at most maxBins bins per feature (maxBins <= 255): for a
// numeric column with few distinct values, one bin per value (edges halfway
// between them), else quantile edges; for a categorical column, one bin per
// category, the most frequent first, the rarest sharing the last bin when
// there are more than maxBins.
func newBinner(d *Data, maxBins int) *binner {
	b := &binner{}
	n := d.Rows()
	step := max(1, n/binSample)
	b.edges = make([][]float64, len(d.Num))
	parallelN(len(d.Num), func(j int) {
		col := d.Num[j]
		vals := make([]float64, 0, min(n, binSample+1))
		for i := 0; i < n; i += step {
			if !math.IsNaN(col[i]) {
				vals = append(vals, col[i])
			}
		}
		slices.Sort(vals)
		distinct := slices.Compact(slices.Clone(vals))
		var edges []float64
		if len(distinct) <= maxBins {
			for k := 0; k+1 < len(distinct); k++ {
				edges = append(edges, distinct[k]+(distinct[k+1]-distinct[k])/2)
			}
		} else {
			for q := 1; q < maxBins; q++ {
				// The q-th of maxBins quantiles, halfway between the two
				// nearest values (numpy's "midpoint" percentile, as
				// scikit-learn bins).
				pos := float64(q) * float64(len(vals)-1) / float64(maxBins)
				lo := vals[int(math.Floor(pos))]
				hi := vals[int(math.Ceil(pos))]
				e := lo + (hi-lo)/2
				if len(edges) == 0 || e > edges[len(edges)-1] {
					edges = append(edges, e)
				}
			}
		}
		b.edges[j] = edges
	})
	for _, e := range b.edges {
		b.nbins = append(b.nbins, len(e)+1)
	}
	for j, col := range d.Cat {
		counts := make([]int, len(d.Levels[j]))
		for _, c := range col {
			if c >= 0 {
				counts[c]++
			}
		}
		order := make([]int, len(counts))
		for k := range order {
			order[k] = k
		}
		sort.SliceStable(order, func(a, c int) bool { return counts[order[a]] > counts[order[c]] })
		m := make([]uint8, len(counts))
		used := 0
		for rank, code := range order {
			switch {
			case counts[code] == 0:
				m[code] = missingBin // never seen in training: as missing
			case rank < maxBins-1:
				m[code] = uint8(rank)
				used = rank + 1
			default:
				m[code] = uint8(maxBins - 1)
				used = maxBins
			}
		}
		b.catBin = append(b.catBin, m)
		b.nbins = append(b.nbins, max(used, 1))
	}
	b.pad()
	return b
}

// numBin is the bin of a numeric value of column j.
func (b *binner) numBin(j int, v float64) uint8 {
	var out [1]uint8
	b.numBins(j, []float64{v}, out[:])
	return out[0]
}

// numBins sets dst[i] to the bin of src[i], numeric column j: the number
// of edges below the value (the index of the first edge >= it), by eight
// halvings of the padded edges with no branch to mispredict (Sub64's
// borrow is 1 when the edge is below the value); missing values go to
// missingBin. The values' searches are independent, so a column's run
// overlaps them.
func (b *binner) numBins(j int, src []float64, dst []uint8) {
	e := &b.keys[j]
	dst = dst[:len(src)]
	for i, v := range src {
		if v != v {
			dst[i] = missingBin
			continue
		}
		x := orderKey(v)
		k := 0
		_, lt := bits.Sub64(e[k+127], x, 0)
		k += int(lt) << 7
		_, lt = bits.Sub64(e[k+63], x, 0)
		k += int(lt) << 6
		_, lt = bits.Sub64(e[k+31], x, 0)
		k += int(lt) << 5
		_, lt = bits.Sub64(e[k+15], x, 0)
		k += int(lt) << 4
		_, lt = bits.Sub64(e[k+7], x, 0)
		k += int(lt) << 3
		_, lt = bits.Sub64(e[k+3], x, 0)
		k += int(lt) << 2
		_, lt = bits.Sub64(e[k+1], x, 0)
		k += int(lt) << 1
		_, lt = bits.Sub64(e[k], x, 0)
		k += int(lt)
		dst[i] = uint8(k)
	}
}

// catBinOf is the bin of a category code of categorical column j (codes
// beyond the training levels and -1 are missing).
func (b *binner) catBinOf(j int, c int32) uint8 {
	if c < 0 || int(c) >= len(b.catBin[j]) {
		return missingBin
	}
	return b.catBin[j][c]
}

// bin returns the binned columns of d, numeric columns first, the columns
// shared out over two goroutines.
func (b *binner) bin(d *Data) [][]uint8 {
	n := d.Rows()
	out := make([][]uint8, d.Features())
	var wg sync.WaitGroup
	for p := range 2 {
		wg.Go(func() {
			for f := p; f < len(out); f += 2 {
				bs := make([]uint8, n)
				if f < len(d.Num) {
					b.numBins(f, d.Num[f], bs)
				} else {
					j := f - len(d.Num)
					for i, c := range d.Cat[j] {
						bs[i] = b.catBinOf(j, c)
					}
				}
				out[f] = bs
			}
		})
	}
	wg.Wait()
	return out
}
