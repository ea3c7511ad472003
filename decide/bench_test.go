package decide

import (
	"math"
	"math/rand/v2"
	"testing"
)

// BenchmarkDecide1M decides a million contacts: a third customers, the
// rest prospects, a quarter of them in a negative persona, half with a
// prior decision.
func BenchmarkDecide1M(b *testing.B) {
	const n = 1_000_000
	r := rand.New(rand.NewPCG(1, 2))
	member := []Membership{{Persona: "neg-1", Name: "Webinar tourists", Kind: "mimic", Handling: "organic_only"}}
	cs := make([]Contact, n)
	for i := range cs {
		c := Contact{ID: "C", Buyer: i%3 == 0, Propensity: r.Float64(), PAlive: r.Float64(), CLV: 500 * r.ExpFloat64(),
			ContactCost: 10 * r.Float64(), TenureDays: float64(30 + r.IntN(700)), DaysSinceActivity: float64(r.IntN(200)),
			CycleDays: math.NaN(), ChangedDays: math.NaN(), PriorPropensity: math.NaN(), NextPurchase: r.Float64() / 4}
		if c.Buyer {
			c.CycleDays, c.Frequency = float64(r.IntN(300)), 1+float64(r.IntN(5))
		}
		if i%4 == 1 {
			c.Negatives = member
		}
		if i%2 == 0 {
			c.Prior = &Prior{Action: "exclude", HadPersona: true, PersonasRemain: true}
		}
		cs[i] = c
	}
	p := DefaultPolicy()
	p.NextWindowDays = 180
	b.ReportAllocs()
	for b.Loop() {
		Decide(cs, p)
	}
}
