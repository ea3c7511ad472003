package cluster

import (
	"math"
	"math/rand/v2"
)

// The generating model of planted: group centres (in within-group standard
// deviations, times sep), the mean and standard deviation of one unit of
// each numeric column, and the categories of each categorical column.
var (
	plantedCentres = [][3]float64{{0, 0, 0}, {1, 0, 0.5}, {0, 1, -0.5}, {1, 1, 1}, {0.5, -0.5, 1.5}}
	plantedUnits   = [3][2]float64{{40, 12}, {300, 150}, {10, 4}}
	plantedLevels  = [2]int{4, 5}
)

// planted returns rows drawn from len(sizes) groups in three numeric
// columns (in units of their own: years, money, visits) and two categorical
// ones, with the group of every row. Group centres lie sep within-group
// standard deviations apart along each axis; each categorical column takes
// the group's own category with probability dom and any other uniformly.
// Each cell is missing with probability miss.
func planted(seed uint64, sizes []int, sep, dom, miss float64) (Data, []int) {
	rng := rand.New(rand.NewPCG(seed, 99))
	n := 0
	for _, s := range sizes {
		n += s
	}
	d := Data{
		Numeric:          [][]float64{make([]float64, n), make([]float64, n), make([]float64, n)},
		Categorical:      [][]int32{make([]int32, n), make([]int32, n)},
		NumericNames:     []string{"age", "spend", "visits"},
		CategoricalNames: []string{"channel", "region"},
	}
	truth := make([]int, n)
	// Rows of the groups interleaved in a random order.
	perm := rng.Perm(n)
	r := 0
	for g, s := range sizes {
		for range s {
			i := perm[r]
			r++
			truth[i] = g
			for j := range 3 {
				v := plantedUnits[j][0] + plantedUnits[j][1]*(sep*plantedCentres[g][j]+rng.NormFloat64())
				if rng.Float64() < miss {
					v = math.NaN()
				}
				d.Numeric[j][i] = v
			}
			for j, L := range plantedLevels {
				own := (g + j) % L
				c := own
				if rng.Float64() >= dom {
					c = (own + 1 + rng.IntN(L-1)) % L
				}
				code := int32(c * 10) // codes 0, 10, 20, ...
				if rng.Float64() < miss {
					code = -1
				}
				d.Categorical[j][i] = code
			}
		}
	}
	return d, truth
}

// bayes assigns every row of planted data to the group of highest
// posterior probability under the model that generated it (known centres,
// unit noise, category probabilities and group sizes; missing cells left
// out). Its ARI is about the best any method can reach on the data.
func bayes(d Data, sizes []int, sep, dom float64) []int {
	n := len(d.Numeric[0])
	out := make([]int, n)
	for i := range n {
		best, bl := 0, math.Inf(-1)
		for g := range sizes {
			ll := math.Log(float64(sizes[g]) / float64(n))
			for j := range 3 {
				v := d.Numeric[j][i]
				if math.IsNaN(v) {
					continue
				}
				z := (v-plantedUnits[j][0])/plantedUnits[j][1] - sep*plantedCentres[g][j]
				ll -= z * z / 2
			}
			for j, L := range plantedLevels {
				c := d.Categorical[j][i]
				switch {
				case c < 0:
				case int(c/10) == (g+j)%L:
					ll += math.Log(dom)
				default:
					ll += math.Log((1 - dom) / float64(L-1))
				}
			}
			if ll > bl {
				best, bl = g, ll
			}
		}
		out[i] = best
	}
	return out
}
