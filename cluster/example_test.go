package cluster_test

import (
	"context"
	"fmt"

	"github.com/antipersona/antipersona/cluster"
)

// Six customers: age and a channel code (0 = web, 1 = app, 2 = store).
func ExampleKPrototypes() {
	d := cluster.Data{
		Numeric:          [][]float64{{23, 25, 31, 58, 61, 66}},
		Categorical:      [][]int32{{0, 0, 1, 2, 2, 2}},
		NumericNames:     []string{"age"},
		CategoricalNames: []string{"channel"},
	}
	res, err := cluster.KPrototypes(context.Background(), d, cluster.Options{KMin: 2, KMax: 3, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("k:", res.K)
	fmt.Println("labels:", res.Labels)
	for c := range res.K {
		fmt.Printf("cluster %d: %d rows, mean age %.1f, channel %d\n", c, res.Sizes[c], res.Centroids[c][0], res.Modes[c][0])
	}
	// Output:
	// k: 2
	// labels: [0 0 0 1 1 1]
	// cluster 0: 3 rows, mean age 26.3, channel 0
	// cluster 1: 3 rows, mean age 61.7, channel 2
}

func ExampleAdjustedRandIndex() {
	planted := []int{0, 0, 0, 1, 1, 1}
	found := []int{1, 1, 0, 0, 0, 0}
	// Pairs together in both: 1 + 3 = 4 of C(6,2) = 15; expected by chance
	// (3+3)(1+6)/15 = 2.8; at most (6+7)/2 = 6.5: (4-2.8)/(6.5-2.8).
	fmt.Printf("%.3f\n", cluster.AdjustedRandIndex(planted, found))
	// Output: 0.324
}
