package propensity

import (
	"math/rand/v2"
	"testing"
)

// TestHist4 checks the histogram kernel against a plain sum per feature
// and bin (the definition), on the AVX path where the CPU has it and on
// the Go path, with bins 0, 254 and 255 (missing), repeated and skipped
// rows, and one row.
func TestHist4(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n, nf = 5000, 7
	X := make([][]uint8, nf)
	for f := range X {
		X[f] = make([]uint8, n)
		for i := range X[f] {
			switch rng.IntN(10) {
			case 0:
				X[f][i] = 255
			case 1:
				X[f][i] = 254
			case 2:
				X[f][i] = 0
			default:
				X[f][i] = uint8(rng.IntN(1 + 40*f))
			}
		}
	}
	X4 := group4(X)
	if len(X4) != 2 {
		t.Fatalf("%d groups for %d features, want 2", len(X4), nf)
	}
	for _, rows := range [][]int32{{17}, pickRows(rng, n, 0.3), pickRows(rng, n, 1)} {
		gh := make([]ghPair, len(rows))
		for k := range gh {
			gh[k] = ghPair{rng.NormFloat64(), rng.Float64()}
		}
		want := make([]histo, nf)
		for f := range X {
			for k, r := range rows {
				c := &want[f][X[f][r]]
				c.g += gh[k].g
				c.h += gh[k].h
				c.n++
			}
		}
		paths := []bool{false}
		if useAVX {
			paths = append(paths, true)
		}
		for _, avx := range paths {
			got := make([]histo, nf+1) // the last one takes the padding
			for k := range X4 {
				var h [4]*histo
				for i := range h {
					h[i] = &got[min(4*k+i, nf)]
				}
				if avx {
					hist4(h, X4[k], rows, gh)
				} else {
					hist4Go(h, X4[k], rows, gh)
				}
			}
			for f := range nf {
				if got[f] != want[f] {
					t.Fatalf("avx=%v, %d rows: feature %d differs", avx, len(rows), f)
				}
			}
			pad := 0.0
			for _, c := range got[nf] {
				pad += c.n
			}
			if pad != float64(len(rows)) {
				t.Fatalf("avx=%v: padding bytes counted %v rows, want %d", avx, pad, len(rows))
			}
		}
	}
}

func pickRows(rng *rand.Rand, n int, frac float64) []int32 {
	var rows []int32
	for i := range n {
		if rng.Float64() < frac {
			rows = append(rows, int32(i))
		}
	}
	return rows
}
