package cluster

import (
	"context"
	"fmt"
	"math"
	"sync"
)

// pairDistance returns d between rows i and j of t: the unscaled distance
// over the columns present in both, times P over their number; NaN when
// they have no present column in common.
func (t *table) pairDistance(i, j int, gamma float64) float64 {
	xi, xj := t.x[i*t.pn:(i+1)*t.pn], t.x[j*t.pn:(j+1)*t.pn]
	ci, cj := t.c[i*t.pc:(i+1)*t.pc], t.c[j*t.pc:(j+1)*t.pc]
	var s float64
	mis := 0
	if t.w[i] == 1 && t.w[j] == 1 {
		for l, v := range xi {
			e := v - xj[l]
			s += e * e
		}
		for l, v := range ci {
			if v != cj[l] {
				mis++
			}
		}
		return s + gamma*float64(mis)
	}
	common := 0
	for l, v := range xi {
		if u := xj[l]; v == v && u == u {
			e := v - u
			s += e * e
			common++
		}
	}
	for l, v := range ci {
		if u := cj[l]; v >= 0 && u >= 0 {
			if v != u {
				mis++
			}
			common++
		}
	}
	if common == 0 {
		return math.NaN()
	}
	return (s + gamma*float64(mis)) * float64(t.pn+t.pc) / float64(common)
}

// triIndex is the position of the pair (i, j), i < j, of m rows in the
// upper triangle stored row by row.
func triIndex(i, j, m int) int {
	return i*(2*m-i-1)/2 + j - i - 1
}

// pairDistances returns the distances between the rows pos of t, as the
// upper triangle of the matrix stored row by row (see triIndex).
func pairDistances(ctx context.Context, t *table, pos []int, gamma float64) ([]float32, error) {
	m := len(pos)
	tri := make([]float32, m*(m-1)/2)
	var mu sync.Mutex
	var cancelled error
	forEach(m, func(i int) bool {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				mu.Lock()
				cancelled = err
				mu.Unlock()
				return false
			}
		}
		row := tri[triIndex(i, i+1, m):]
		for j := i + 1; j < m; j++ {
			row[j-i-1] = float32(t.pairDistance(pos[i], pos[j], gamma))
		}
		return true
	})
	if cancelled != nil {
		return nil, fmt.Errorf("cluster: %w", cancelled)
	}
	return tri, nil
}

// silhouette returns the mean silhouette of m rows with labels in 0..k-1,
// from their pair distances tri (NaN pairs left out). A row whose cluster
// has no other row, or for which no other cluster has a row, has s = 0.
func silhouette(tri []float32, labels []int32, k int) float64 {
	m := len(labels)
	if m == 0 {
		return math.NaN()
	}
	sum := make([]float64, m*k)
	cnt := make([]int32, m*k)
	p := 0
	for i := range m {
		li := int(labels[i])
		si, ci := sum[i*k:(i+1)*k], cnt[i*k:(i+1)*k]
		for j := i + 1; j < m; j++ {
			d := tri[p]
			p++
			if d != d {
				continue
			}
			lj := int(labels[j])
			si[lj] += float64(d)
			ci[lj]++
			sum[j*k+li] += float64(d)
			cnt[j*k+li]++
		}
	}
	var total float64
	for i := range m {
		li := int(labels[i])
		si, ci := sum[i*k:(i+1)*k], cnt[i*k:(i+1)*k]
		if ci[li] == 0 {
			continue
		}
		a := si[li] / float64(ci[li])
		b := math.Inf(1)
		for c := range k {
			if c != li && ci[c] > 0 {
				b = min(b, si[c]/float64(ci[c]))
			}
		}
		if math.IsInf(b, 1) {
			continue
		}
		if mx := max(a, b); mx > 0 {
			total += (b - a) / mx
		}
	}
	return total / float64(m)
}
