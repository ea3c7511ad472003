//go:build amd64 && !purego

package propensity

import "golang.org/x/sys/cpu"

// useAVX: the CPU and the OS support 256-bit AVX adds.
var useAVX = cpu.X86.HasAVX

// histAVX is hist4's loop for n rows, in hist_amd64.s: each row's
// (g, h, 1, 0) is added to one 32-byte cell per histogram.
//
//go:noescape
func histAVX(h0, h1, h2, h3 *bin, col *uint32, rows *int32, gh *ghPair, n int)
