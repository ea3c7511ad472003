package subgroup

import "math/bits"

// Bitset is a set of rows, 64 to a word.
type Bitset []uint64

// NewBitset returns an empty set for n rows.
func NewBitset(n int) Bitset { return make(Bitset, (n+63)/64) }

// BitsetOf returns the set of the rows i where b[i] is true.
func BitsetOf(b []bool) Bitset {
	out := NewBitset(len(b))
	for i, v := range b {
		if v {
			out.Set(i)
		}
	}
	return out
}

// Set adds row i.
func (b Bitset) Set(i int) { b[i>>6] |= 1 << (uint(i) & 63) }

// Has reports whether row i is in b.
func (b Bitset) Has(i int) bool { return b[i>>6]&(1<<(uint(i)&63)) != 0 }

// Count returns the number of rows in b.
func (b Bitset) Count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// And sets dst to a ∩ b and returns |a ∩ b| and |a ∩ b ∩ t| (t may be nil).
func And(dst, a, b, t Bitset) (n, k int) {
	if t == nil {
		for i := range dst {
			w := a[i] & b[i]
			dst[i] = w
			n += bits.OnesCount64(w)
		}
		return n, 0
	}
	for i := range dst {
		w := a[i] & b[i]
		dst[i] = w
		n += bits.OnesCount64(w)
		k += bits.OnesCount64(w & t[i])
	}
	return n, k
}

// countAnd returns |a ∩ b| and |a ∩ b ∩ t| without storing the set.
func countAnd(a, b, t Bitset) (n, k int) {
	if t == nil {
		for i := range a {
			n += bits.OnesCount64(a[i] & b[i])
		}
		return n, 0
	}
	for i := range a {
		w := a[i] & b[i]
		n += bits.OnesCount64(w)
		k += bits.OnesCount64(w & t[i])
	}
	return n, k
}

// Intersect returns |a ∩ b|.
func Intersect(a, b Bitset) int { return intersect(a, b) }

// intersect returns |a ∩ b|.
func intersect(a, b Bitset) int {
	n := 0
	for i := range a {
		n += bits.OnesCount64(a[i] & b[i])
	}
	return n
}

// sums returns the sum and the sum of squares of y over the rows of b.
func sums(b Bitset, y []float64) (s, s2 float64) {
	for i, w := range b {
		for w != 0 {
			j := i<<6 + bits.TrailingZeros64(w)
			v := y[j]
			s += v
			s2 += v * v
			w &= w - 1
		}
	}
	return s, s2
}

// positiveExcess returns the sum over the rows of b of max(0, sign*(y-mu)),
// the best that any subset of b can add to the total deviation from mu.
func positiveExcess(b Bitset, y []float64, mu, sign float64) float64 {
	s := 0.0
	for i, w := range b {
		for w != 0 {
			j := i<<6 + bits.TrailingZeros64(w)
			if d := sign * (y[j] - mu); d > 0 {
				s += d
			}
			w &= w - 1
		}
	}
	return s
}
