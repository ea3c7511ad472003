//go:build amd64 && !purego

package propensity

import "golang.org/x/sys/cpu"

// useAVX2: the CPU and the OS support AVX2 (gathers, 256-bit integers).
var useAVX2 = cpu.X86.HasAVX2

// scoreAVX2 adds to z[0..32*quads) the trees' leaf values of as many rows
// of rb (nf bytes each, row-major, with three bytes of slack after the
// last), 32 rows at a time (score_amd64.s).
//
//go:noescape
func scoreAVX2(nodes *snode, values *float64, right *uint32, roots []int32, nf int, rb *uint8, z *float64, quads int)
