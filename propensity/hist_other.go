//go:build !amd64 || purego

package propensity

const useAVX = false

func histAVX(h0, h1, h2, h3 *bin, col *uint32, rows *int32, gh *ghPair, n int) {
	panic("propensity: no AVX kernel on this platform")
}
