package budget

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchData is n contacts with 10 touches each (grouped by contact, as a
// store returns them), 50 campaigns on 5 channels, channel spend on every
// channel, one acquisition cost per contact, 1 to 3 of 20 groups per
// contact and 5 % of the contacts excluded.
func benchData(n int) ([]Contact, []Cost, []Touch) {
	rng := rand.New(rand.NewPCG(1, 2))
	channels := []string{"email", "social", "search", "display", "tv"}
	groups := make([]string, 20)
	for g := range groups {
		groups[g] = fmt.Sprint("persona:p", g)
		if g >= 15 {
			groups[g] = fmt.Sprint("negative:n", g)
		}
	}
	contacts := make([]Contact, n)
	costs := make([]Cost, 0, n+60)
	touches := make([]Touch, 0, 10*n)
	for i := range contacts {
		id := fmt.Sprint("contact-", i)
		c := Contact{ID: id, Revenue: rng.ExpFloat64() * 80, Excluded: rng.IntN(20) == 0}
		c.Profit = 0.3*c.Revenue - 5
		for range 1 + rng.IntN(3) {
			c.Groups = append(c.Groups, groups[rng.IntN(len(groups))])
		}
		contacts[i] = c
		costs = append(costs, Cost{ContactID: id, Channel: channels[rng.IntN(5)], Kind: KindAcquisition, Amount: rng.Float64() * 10})
		for range 10 {
			k := rng.IntN(50)
			touches = append(touches, Touch{ContactID: id, Campaign: fmt.Sprint("campaign-", k), Channel: channels[k%5]})
		}
	}
	for k := range 50 {
		costs = append(costs, Cost{Campaign: fmt.Sprint("campaign-", k), Channel: channels[k%5], Amount: 10000 + 1000*float64(k)})
	}
	for _, ch := range channels {
		costs = append(costs, Cost{Channel: ch, Amount: 50000})
	}
	return contacts, costs, touches
}

func BenchmarkAllocate1M(b *testing.B) {
	contacts, costs, touches := benchData(1_000_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Allocate(context.Background(), contacts, costs, touches, Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
