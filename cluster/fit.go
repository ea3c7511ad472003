package cluster

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
)

// chunkRows is the number of rows of one unit of parallel work. Partial
// sums are kept per chunk and added in chunk order, so results do not
// depend on the number of goroutines.
const chunkRows = 1 << 12

// fit is one k-prototypes fit of a table.
type fit struct {
	t      *table
	k      int
	gamma  float64
	mu     []float64 // k*pn prototype means (z units)
	mode   []int32   // k*pc prototype modes (category indexes)
	labels []int32   // per row; -1 before the first assignment
	dist   []float64 // per row, d to the prototype of its cluster
	cost   float64   // Σ dist
	iters  int
	sizes  []int
	acc    []*accum // per chunk
}

// accum holds the partial sums of one chunk of rows.
type accum struct {
	sum     []float64 // k*pn sums of present z-scores
	cnt     []int     // k*pn counts of present values
	ccnt    []int     // k*nl counts of categories
	size    []int     // k
	full    []int     // k complete rows (counted in cnt by merge)
	cost    float64
	changes int
}

func newFit(t *table, k int, gamma float64) *fit {
	f := &fit{
		t: t, k: k, gamma: gamma,
		mu:     make([]float64, k*t.pn),
		mode:   make([]int32, k*t.pc),
		labels: make([]int32, t.n),
		dist:   make([]float64, t.n),
		sizes:  make([]int, k),
	}
	for i := range f.labels {
		f.labels[i] = -1
	}
	nc := (t.n + chunkRows - 1) / chunkRows
	f.acc = make([]*accum, nc)
	for c := range f.acc {
		f.acc[c] = &accum{
			sum:  make([]float64, k*t.pn),
			cnt:  make([]int, k*t.pn),
			ccnt: make([]int, k*t.nl),
			size: make([]int, k),
			full: make([]int, k),
		}
	}
	return f
}

// setPrototype makes row i the prototype of cluster c. Missing values take
// the column mean (0) or the most frequent category when keep is false,
// and keep the current prototype value when keep is true.
func (f *fit) setPrototype(c, i int, keep bool) {
	t := f.t
	mu := f.mu[c*t.pn : (c+1)*t.pn]
	mode := f.mode[c*t.pc : (c+1)*t.pc]
	for j, v := range t.x[i*t.pn : (i+1)*t.pn] {
		switch {
		case v == v:
			mu[j] = v
		case !keep:
			mu[j] = 0
		}
	}
	for l, v := range t.c[i*t.pc : (i+1)*t.pc] {
		switch {
		case v >= 0:
			mode[l] = v
		case !keep:
			mode[l] = t.gmode[l]
		}
	}
}

// seed chooses the first prototypes by k-means++ seeding with d.
func (f *fit) seed(ctx context.Context, rng *rand.Rand) error {
	t := f.t
	n := t.n
	f.setPrototype(0, rng.IntN(n), false)
	if f.k == 1 {
		return nil
	}
	D := make([]float64, n)
	for i := range n {
		D[i] = t.w[i] * t.dist(i, f.mu[:t.pn], f.mode[:t.pc], f.gamma)
	}
	for c := 1; c < f.k; c++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("cluster: %w", err)
		}
		var total float64
		for _, v := range D {
			total += v
		}
		pick := -1
		if total > 0 {
			r := rng.Float64() * total
			var cum float64
			for i, v := range D {
				if v > 0 {
					pick = i
					cum += v
					if cum > r {
						break
					}
				}
			}
		} else {
			pick = rng.IntN(n)
		}
		f.setPrototype(c, pick, false)
		mu, mode := f.mu[c*t.pn:(c+1)*t.pn], f.mode[c*t.pc:(c+1)*t.pc]
		for i := range n {
			if D[i] > 0 {
				D[i] = min(D[i], t.w[i]*t.dist(i, mu, mode, f.gamma))
			}
		}
	}
	return nil
}

// parallel runs fn on every chunk of rows, on up to GOMAXPROCS goroutines.
func (f *fit) parallel(fn func(c, lo, hi int)) {
	forEach(len(f.acc), func(c int) bool {
		fn(c, c*chunkRows, min(f.t.n, (c+1)*chunkRows))
		return true
	})
}

// forEach calls fn(i) for every i in 0..n-1 on up to GOMAXPROCS goroutines,
// each taking the next index; once fn returns false no further index is
// handed out. Callers write results to slots of their own, so the order in
// which indexes run does not change them.
func forEach(n int, fn func(i int) bool) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			if !fn(i) {
				return
			}
		}
		return
	}
	var next atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for !stop.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if !fn(i) {
					stop.Store(true)
					return
				}
			}
		})
	}
	wg.Wait()
}

// assign gives every row of lo..hi the nearest prototype and accumulates
// a. A row keeps its cluster unless another is strictly nearer; among
// equally near others the lowest index wins. The distance to a candidate
// is abandoned once its numeric part reaches the best so far, which
// cannot change the choice, since every term is non-negative.
func (f *fit) assign(a *accum, lo, hi int) {
	t, k, pn, pc := f.t, f.k, f.t.pn, f.t.pc
	gamma, protoMu, protoMode := f.gamma, f.mu, f.mode
	labels, dist, w := f.labels[lo:hi], f.dist[lo:hi], t.w[lo:hi]
	a.reset()
	var cost float64
	changes := 0
	for r := range labels {
		i := lo + r
		xi := t.x[i*pn : (i+1)*pn]
		ci := t.c[i*pc : (i+1)*pc]
		complete := w[r] == 1
		cur := int(labels[r])
		best, bd := -1, math.Inf(1)
		// The current cluster first (when there is one), then the others.
		for o := -1; o < k; o++ {
			c := o
			if o < 0 {
				if cur < 0 {
					continue
				}
				c = cur
			} else if o == cur {
				continue
			}
			mu := protoMu[c*pn : (c+1)*pn]
			mu = mu[:len(xi)]
			var s float64
			if complete {
				for j, v := range xi {
					e := v - mu[j]
					s += e * e
				}
			} else {
				for j, v := range xi {
					if v == v {
						e := v - mu[j]
						s += e * e
					}
				}
			}
			if s >= bd {
				continue
			}
			mode := protoMode[c*pc : (c+1)*pc]
			mode = mode[:len(ci)]
			mis := 0
			for l, v := range ci {
				if v != mode[l] && (complete || v >= 0) {
					mis++
				}
			}
			if d := s + gamma*float64(mis); d < bd {
				best, bd = c, d
			}
		}
		if best != cur {
			changes++
			labels[r] = int32(best)
		}
		dist[r] = w[r] * bd
		cost += dist[r]
		a.add(t, i, best, complete)
	}
	a.cost, a.changes = cost, changes
}

// account accumulates a over rows lo..hi with their current labels and
// recomputes their distances.
func (f *fit) account(a *accum, lo, hi int) {
	t, pn, pc := f.t, f.t.pn, f.t.pc
	a.reset()
	for i := lo; i < hi; i++ {
		c := int(f.labels[i])
		f.dist[i] = t.w[i] * t.dist(i, f.mu[c*pn:(c+1)*pn], f.mode[c*pc:(c+1)*pc], f.gamma)
		a.cost += f.dist[i]
		a.add(t, i, c, t.w[i] == 1)
	}
}

func (a *accum) reset() {
	clear(a.sum)
	clear(a.cnt)
	clear(a.ccnt)
	clear(a.size)
	clear(a.full)
	a.cost, a.changes = 0, 0
}

// add accumulates row i into cluster c. The counts of present values of
// complete rows are kept per cluster (full) and added to cnt by merge.
func (a *accum) add(t *table, i, c int, complete bool) {
	a.size[c]++
	pn, pc := t.pn, t.pc
	xi := t.x[i*pn : (i+1)*pn]
	s := a.sum[c*pn : (c+1)*pn]
	s = s[:len(xi)]
	if complete {
		a.full[c]++
		for j, v := range xi {
			s[j] += v
		}
	} else {
		n := a.cnt[c*pn : (c+1)*pn]
		n = n[:len(xi)]
		for j, v := range xi {
			if v == v {
				s[j] += v
				n[j]++
			}
		}
	}
	cc, off := a.ccnt[c*t.nl:(c+1)*t.nl], t.off
	ci := t.c[i*pc : (i+1)*pc]
	off = off[:len(ci)]
	for l, v := range ci {
		if v >= 0 {
			cc[off[l]+int(v)]++
		}
	}
}

// merge adds the chunk sums in chunk order into the first accumulator and
// returns it.
func (f *fit) merge() *accum {
	a := f.acc[0]
	for _, b := range f.acc[1:] {
		for j, v := range b.sum {
			a.sum[j] += v
		}
		for j, v := range b.cnt {
			a.cnt[j] += v
		}
		for j, v := range b.ccnt {
			a.ccnt[j] += v
		}
		for j, v := range b.size {
			a.size[j] += v
		}
		for j, v := range b.full {
			a.full[j] += v
		}
		a.cost += b.cost
		a.changes += b.changes
	}
	pn := f.t.pn
	for c, v := range a.full {
		for j := range pn {
			a.cnt[c*pn+j] += v
		}
	}
	clear(a.full)
	copy(f.sizes, a.size)
	return a
}

// update recomputes the prototypes from the sums of a: means and modes of
// the present values; a column without present values keeps its value.
func (f *fit) update(a *accum) {
	t := f.t
	for c := range f.k {
		for j := range t.pn {
			if n := a.cnt[c*t.pn+j]; n > 0 {
				f.mu[c*t.pn+j] = a.sum[c*t.pn+j] / float64(n)
			}
		}
		cc := a.ccnt[c*t.nl : (c+1)*t.nl]
		for l := range t.pc {
			if m := argmaxInt(cc[t.off[l] : t.off[l]+t.nlev[l]]); m >= 0 {
				f.mode[c*t.pc+l] = int32(m)
			}
		}
	}
}

// reseedEmpty moves, for each empty cluster, the row farthest from its
// prototype (the first among equals, from a cluster of two rows or more)
// into it and makes it its prototype. It reports whether any row moved.
func (f *fit) reseedEmpty() bool {
	moved := false
	for c := range f.k {
		if f.sizes[c] > 0 {
			continue
		}
		far, fd := -1, 0.0
		for i, v := range f.dist {
			if v > fd && f.sizes[f.labels[i]] > 1 {
				far, fd = i, v
			}
		}
		if far < 0 {
			continue // every row sits on its prototype: nothing to split
		}
		f.sizes[f.labels[far]]--
		f.sizes[c]++
		f.labels[far] = int32(c)
		f.dist[far] = 0
		f.setPrototype(c, far, true)
		moved = true
	}
	return moved
}

// hasEmpty reports whether a cluster has no row.
func (f *fit) hasEmpty() bool {
	for _, s := range f.sizes {
		if s == 0 {
			return true
		}
	}
	return false
}

// lloyd alternates assignment and update from the current prototypes until
// no label changes or maxIter assignment passes, then sets the cost.
func (f *fit) lloyd(ctx context.Context, maxIter int) error {
	f.iters = 0
	converged := false
	for f.iters < maxIter {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("cluster: %w", err)
		}
		f.iters++
		f.parallel(func(c, lo, hi int) { f.assign(f.acc[c], lo, hi) })
		a := f.merge()
		if a.changes == 0 {
			f.cost = a.cost
			converged = true
			break
		}
		if f.hasEmpty() && f.reseedEmpty() {
			f.parallel(func(c, lo, hi int) { f.account(f.acc[c], lo, hi) })
			a = f.merge()
		}
		f.update(a)
	}
	if !converged {
		// The prototypes moved after the last assignment: cost with the
		// current labels and prototypes.
		f.parallel(func(c, lo, hi int) { f.account(f.acc[c], lo, hi) })
		f.cost = f.merge().cost
	}
	return nil
}
