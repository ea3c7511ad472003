//go:build !amd64 || purego

package propensity

const useAVX2 = false

func scoreAVX2(nodes *snode, values *float64, right *uint32, roots []int32, nf int, rb *uint8, z *float64, quads int) {
	panic("propensity: no AVX2 scorer on this platform")
}
