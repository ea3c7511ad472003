package generate

import (
	"math"
	"math/rand/v2"
)

// mix64 is the splitmix64 finaliser. It is a bijection on uint64, so distinct
// inputs give distinct outputs; the generator relies on that for unique ids.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// rng is the random source of one contact. It wraps a PCG generator that is
// re-seeded from (seed, contact index) for every contact, so a contact's data
// does not depend on which worker generates it or in which order.
type rng struct {
	src *rand.PCG
	r   *rand.Rand
}

func newRNG() *rng {
	src := rand.NewPCG(0, 0)
	return &rng{src: src, r: rand.New(src)}
}

// seed resets the source for contact index i of the run seeded with seed.
// Different (seed, i) pairs give different PCG states.
func (g *rng) seed(seed, i uint64) {
	g.src.Seed(mix64(seed^0x6a09e667f3bcc908), mix64(i^mix64(seed+0x3c6ef372fe94f82b)))
}

func (g *rng) f() float64  { return g.r.Float64() }
func (g *rng) n(k int) int { return g.r.IntN(k) }
func (g *rng) u64() uint64 { return g.r.Uint64() }
func (g *rng) chance(p float64) bool {
	return p > 0 && g.r.Float64() < p
}

// between returns a uniform float in [a, b).
func (g *rng) between(a, b float64) float64 { return a + (b-a)*g.r.Float64() }

// rangeInt returns a uniform int in [a, b] (inclusive).
func (g *rng) rangeInt(a, b int) int {
	if b <= a {
		return a
	}
	return a + g.r.IntN(b-a+1)
}

func (g *rng) normal(mu, sd float64) float64 { return mu + sd*g.r.NormFloat64() }

// lognormal returns exp(N(ln median, sigma²)).
func (g *rng) lognormal(median, sigma float64) float64 {
	return median * math.Exp(sigma*g.r.NormFloat64())
}

// exp returns an exponential variate with the given mean.
func (g *rng) exp(mean float64) float64 { return mean * g.r.ExpFloat64() }

// poisson returns a Poisson variate: Knuth's product method below a mean of
// 30, the rounded normal approximation above.
func (g *rng) poisson(mean float64) int {
	if mean <= 0 {
		return 0
	}
	if mean >= 30 {
		v := math.Round(mean + math.Sqrt(mean)*g.r.NormFloat64())
		if v < 0 {
			return 0
		}
		return int(v)
	}
	l := math.Exp(-mean)
	k := 0
	p := g.r.Float64()
	for p > l {
		k++
		p *= g.r.Float64()
	}
	return k
}

// geometric1 returns 1 + a geometric count with the given mean (>= 1).
func (g *rng) geometric1(mean float64) int {
	if mean <= 1 {
		return 1
	}
	q := 1 - 1/mean // probability of one more
	k := 1
	for k < 60 && g.r.Float64() < q {
		k++
	}
	return k
}

// gamma returns a Gamma(shape, scale) variate (Marsaglia and Tsang 2000).
func (g *rng) gamma(shape, scale float64) float64 {
	if shape < 1 {
		u := g.r.Float64()
		return g.gamma(shape+1, scale) * math.Pow(u, 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := g.r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := g.r.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v * scale
		}
	}
}

// table is a weighted choice among string values.
type table struct {
	vals []string
	cum  []float64
}

// tab builds a table from value, weight pairs: tab("a", 2, "b", 1.5).
// It panics on a malformed list (programmer error).
func tab(pairs ...any) table {
	if len(pairs)%2 != 0 {
		panic("generate: tab needs value, weight pairs")
	}
	var t table
	sum := 0.0
	for i := 0; i < len(pairs); i += 2 {
		v, ok := pairs[i].(string)
		if !ok {
			panic("generate: tab value is not a string")
		}
		var w float64
		switch x := pairs[i+1].(type) {
		case int:
			w = float64(x)
		case float64:
			w = x
		default:
			panic("generate: tab weight is not a number")
		}
		sum += w
		t.vals = append(t.vals, v)
		t.cum = append(t.cum, sum)
	}
	for i := range t.cum {
		t.cum[i] /= sum
	}
	return t
}

func (t *table) idx(g *rng) int {
	u := g.f()
	for i, c := range t.cum {
		if u < c {
			return i
		}
	}
	return len(t.cum) - 1
}

func (t *table) pick(g *rng) string { return t.vals[t.idx(g)] }

// cumulative turns weights into a cumulative distribution (for index picks).
func cumulative(w []float64) []float64 {
	c := make([]float64, len(w))
	sum := 0.0
	for i, x := range w {
		sum += x
		c[i] = sum
	}
	for i := range c {
		c[i] /= sum
	}
	return c
}

func pickCum(g *rng, cum []float64) int {
	u := g.f()
	for i, c := range cum {
		if u < c {
			return i
		}
	}
	return len(cum) - 1
}
