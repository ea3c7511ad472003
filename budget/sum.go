package budget

import "math"

// sum is a compensated (Kahan–Babuška–Neumaier) running sum. Its error is
// bounded by about 2ε|Σx| + O(nε²)Σ|x| instead of the (n−1)ε Σ|x| of plain
// summation, so that sums of millions of shares agree with the total of the
// cost rows to the last few bits.
type sum struct{ s, c float64 }

func (a *sum) add(x float64) {
	t := a.s + x
	if math.Abs(a.s) >= math.Abs(x) {
		a.c += (a.s - t) + x
	} else {
		a.c += (x - t) + a.s
	}
	a.s = t
}

func (a *sum) value() float64 { return a.s + a.c }

// cell accumulates one row of a breakdown.
type cell struct {
	contacts               int
	spend, revenue, profit sum
}

func (c *cell) add(spend, revenue, profit float64) {
	c.contacts++
	c.spend.add(spend)
	c.revenue.add(revenue)
	c.profit.add(profit)
}

// grid holds the cells of a two-way breakdown (rows × cols), only those
// that receive a contact. The cells are indexed densely when rows × cols is
// small enough, through a map otherwise.
type grid struct {
	cols   int
	dense  []int32 // index+1 into cells, 0 = none; nil when sparse
	sparse map[int]int32
	cells  []cell
	keys   []int // row*cols + col of each cell
}

const maxDense = 1 << 22

func newGrid(rows, cols int) *grid {
	g := &grid{cols: cols}
	if rows*cols <= maxDense {
		g.dense = make([]int32, rows*cols)
	} else {
		g.sparse = make(map[int]int32)
	}
	return g
}

// at returns the cell of (r, c), created on first use. The pointer is valid
// until the next call.
func (g *grid) at(r, c int) *cell {
	k := r*g.cols + c
	var i int32
	if g.dense != nil {
		i = g.dense[k]
	} else {
		i = g.sparse[k]
	}
	if i == 0 {
		g.cells = append(g.cells, cell{})
		g.keys = append(g.keys, k)
		i = int32(len(g.cells))
		if g.dense != nil {
			g.dense[k] = i
		} else {
			g.sparse[k] = i
		}
	}
	return &g.cells[i-1]
}
