package cluster

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// benchData returns n rows of 8 numeric and 4 categorical columns drawn
// from 5 groups of different sizes, 2 % of cells missing. The group centres
// are drawn with a standard deviation of spread within-group standard
// deviations: 3 separates the groups well, 1 makes them overlap, 0 leaves
// them apart only in their categories (each group has its own category of
// each column in at least 60 % of rows), the slowest case to converge.
func benchData(n int, spread float64) Data {
	rng := rand.New(rand.NewPCG(7, 7))
	const pn, pc, groups = 8, 4, 5
	weights := []float64{0.35, 0.25, 0.2, 0.12, 0.08}
	centres := make([][]float64, groups)
	for g := range centres {
		centres[g] = make([]float64, pn)
		for j := range centres[g] {
			centres[g][j] = spread * rng.NormFloat64()
		}
	}
	d := Data{Numeric: make([][]float64, pn), Categorical: make([][]int32, pc)}
	for j := range d.Numeric {
		d.Numeric[j] = make([]float64, n)
	}
	for j := range d.Categorical {
		d.Categorical[j] = make([]int32, n)
	}
	for i := range n {
		g, u := 0, rng.Float64()
		for g < groups-1 && u > weights[g] {
			u -= weights[g]
			g++
		}
		for j := range pn {
			v := 100*float64(j+1) + float64(j+1)*(centres[g][j]+rng.NormFloat64())
			if rng.Float64() < 0.02 {
				v = math.NaN()
			}
			d.Numeric[j][i] = v
		}
		for j := range pc {
			L := 3 + 2*j
			c := int32((g + j) % L)
			if rng.Float64() < 0.4 {
				c = int32(rng.IntN(L))
			}
			if rng.Float64() < 0.02 {
				c = -1
			}
			d.Categorical[j][i] = c
		}
	}
	return d
}

func benchmarkKPrototypes(b *testing.B, n int, spread float64) {
	d := benchData(n, spread)
	b.ReportAllocs()
	var res Result
	for b.Loop() {
		var err error
		res, err = KPrototypes(context.Background(), d, Options{KMin: 2, KMax: 8, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(res.K), "k")
	b.ReportMetric(float64(res.Iterations), "iters")
}

// BenchmarkKPrototypes: 8 numeric and 4 categorical columns, k in 2..8
// chosen on the default sample of 20000 rows, final fit on all rows. The
// metrics are the chosen k and the passes of the final fit.
func BenchmarkKPrototypes(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		for _, c := range []struct {
			name   string
			spread float64
		}{{"separated", 3}, {"overlapping", 1}, {"categories-only", 0}} {
			b.Run(fmt.Sprintf("%dk/%s", n/1000, c.name), func(b *testing.B) { benchmarkKPrototypes(b, n, c.spread) })
		}
	}
}
