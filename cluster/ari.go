package cluster

// AdjustedRandIndex returns the adjusted Rand index of two partitions of
// the same rows, given as labels (any integers; only equality matters),
// after Hubert and Arabie (1985):
//
//	ARI = (Σ_ij C(n_ij, 2) - E) / ((Σ_i C(a_i, 2) + Σ_j C(b_j, 2)) / 2 - E)
//	E   = Σ_i C(a_i, 2) Σ_j C(b_j, 2) / C(n, 2)
//
// where n_ij counts the rows with label i in a and j in b, a_i and b_j are
// the row and column sums of that contingency table and C(x, 2) = x(x-1)/2.
// It is 1 for identical partitions (up to renaming), near 0 for independent
// ones, and can be negative. As in scikit-learn's adjusted_rand_score, it
// is 1 when the denominator is 0, which happens only when both partitions
// put all rows together or both put every row apart (and for fewer than two
// rows). It panics when a and b differ in length.
func AdjustedRandIndex(a, b []int) float64 {
	if len(a) != len(b) {
		panic("cluster: AdjustedRandIndex of labels of different lengths")
	}
	n := len(a)
	// Map labels to dense indexes (map lookups only: no result depends on
	// map order; all sums are exact integers).
	ia, na := dense(a)
	ib, nb := dense(b)
	rowSum := make([]int64, na)
	colSum := make([]int64, nb)
	var pairs int64
	if na*nb <= 1<<22 {
		cont := make([]int64, na*nb)
		for r := range n {
			cont[ia[r]*nb+ib[r]]++
		}
		for _, v := range cont {
			pairs += v * (v - 1) / 2
		}
	} else {
		cont := map[[2]int]int64{}
		for r := range n {
			cont[[2]int{ia[r], ib[r]}]++
		}
		for _, v := range cont {
			pairs += v * (v - 1) / 2
		}
	}
	for r := range n {
		rowSum[ia[r]]++
		colSum[ib[r]]++
	}
	var sa, sb int64
	for _, v := range rowSum {
		sa += v * (v - 1) / 2
	}
	for _, v := range colSum {
		sb += v * (v - 1) / 2
	}
	total := float64(int64(n) * int64(n-1) / 2)
	index, ea, eb := float64(pairs), float64(sa), float64(sb)
	if total == 0 {
		return 1
	}
	expected := ea * eb / total
	maxIndex := (ea + eb) / 2
	if maxIndex == expected {
		return 1
	}
	return (index - expected) / (maxIndex - expected)
}

// dense maps labels to 0..k-1 in order of first appearance.
func dense(labels []int) ([]int, int) {
	idx := make(map[int]int)
	out := make([]int, len(labels))
	for r, l := range labels {
		v, ok := idx[l]
		if !ok {
			v = len(idx)
			idx[l] = v
		}
		out[r] = v
	}
	return out, len(idx)
}
