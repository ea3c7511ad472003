package propensity

// The histogram kernel: the innermost loop of FitGBDT, where most of its
// time goes. The binned columns are stored four to a uint32 per row
// (feature 4k+i in byte i of group k), so that one load serves four
// features of a row, and each histogram cell holds the sums of gradients,
// hessians and rows as four float64s, so that on amd64 with AVX one
// 256-bit add updates a cell (hist_amd64.s).

// bin is a histogram cell: the sums of the gradients and hessians of the
// rows in it, and their number (a float64, exact to 2^53).
type bin struct {
	g, h, n, _ float64
}

// histo is one feature's histogram.
type histo [256]bin

// ghPair is a row's gradient and hessian, gathered in the leaf's row order.
type ghPair struct{ g, h float64 }

// group4 packs the binned columns X four to a uint32 per row.
func group4(X [][]uint8) [][]uint32 {
	n := 0
	if len(X) > 0 {
		n = len(X[0])
	}
	out := make([][]uint32, (len(X)+3)/4)
	parallelN(len(out), func(k int) {
		col := make([]uint32, n)
		for i := range 4 {
			sh := uint(8 * i)
			if 4*k+i >= len(X) {
				// Padding of the last group, added up in a spare
				// histogram: the row's low byte, so that consecutive rows
				// update different cells instead of waiting on one.
				for r := range col {
					col[r] |= uint32(uint8(r)) << sh
				}
				continue
			}
			for r, b := range X[4*k+i] {
				col[r] |= uint32(b) << sh
			}
		}
		out[k] = col
	})
	return out
}

// hist4 adds row k of gh to the cells of rows[k] in the four histograms h
// (for the four features of the group col), for every k. Each cell gets
// its rows in the order of rows, so the sums are the same on every path.
func hist4(h [4]*histo, col []uint32, rows []int32, gh []ghPair) {
	if len(rows) == 0 {
		return
	}
	gh = gh[:len(rows)]
	if useAVX {
		histAVX(&h[0][0], &h[1][0], &h[2][0], &h[3][0], &col[0], &rows[0], &gh[0], len(rows))
		return
	}
	hist4Go(h, col, rows, gh)
}

// hist4Go is hist4 in Go.
func hist4Go(h [4]*histo, col []uint32, rows []int32, gh []ghPair) {
	h0, h1, h2, h3 := h[0], h[1], h[2], h[3]
	gh = gh[:len(rows)]
	for k, r := range rows {
		v, x := col[r], gh[k]
		c := &h0[uint8(v)]
		c.g, c.h, c.n = c.g+x.g, c.h+x.h, c.n+1
		c = &h1[uint8(v>>8)]
		c.g, c.h, c.n = c.g+x.g, c.h+x.h, c.n+1
		c = &h2[uint8(v>>16)]
		c.g, c.h, c.n = c.g+x.g, c.h+x.h, c.n+1
		c = &h3[uint8(v>>24)]
		c.g, c.h, c.n = c.g+x.g, c.h+x.h, c.n+1
	}
}
