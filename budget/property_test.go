package budget

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// randomData draws contacts, costs and touches with every kind of row:
// direct costs, campaign spend with and without channel, channel spend,
// support, untouched campaigns and channels, repeated touches, contacts
// with no, one or several groups.
func randomData(rng *rand.Rand, n int) ([]Contact, []Cost, []Touch) {
	groups := []string{"persona:p1", "persona:p2", "persona:p3", "negative:n1", "negative:n2", "action:exclude"}
	channels := []string{"email", "social", "search", "display", "tv"}
	nCamp := 1 + rng.IntN(8)
	contacts := make([]Contact, n)
	for i := range contacts {
		c := Contact{ID: fmt.Sprint("c", i), Revenue: math.Round(rng.ExpFloat64()*100*100) / 100, Excluded: rng.IntN(4) == 0}
		if rng.IntN(10) == 0 {
			c.Revenue = -c.Revenue / 10 // returns exceed orders
		}
		c.Profit = c.Revenue*0.3 - rng.Float64()*20
		for _, g := range groups {
			if rng.IntN(3) == 0 {
				c.Groups = append(c.Groups, g)
			}
		}
		contacts[i] = c
	}
	var costs []Cost
	for range rng.IntN(3 * n) {
		ch := ""
		if rng.IntN(2) == 0 {
			ch = channels[rng.IntN(len(channels))]
		}
		costs = append(costs, Cost{ContactID: contacts[rng.IntN(n)].ID, Channel: ch,
			Kind: []string{"", KindAcquisition, KindContact, KindSupport}[rng.IntN(4)], Amount: rng.Float64() * 30})
	}
	for c := range nCamp + 2 { // the last two campaigns may touch nobody
		for range 1 + rng.IntN(3) {
			ch := ""
			if rng.IntN(3) > 0 {
				ch = channels[rng.IntN(len(channels))]
			}
			costs = append(costs, Cost{Campaign: fmt.Sprint("camp", c), Channel: ch, Amount: rng.Float64() * 1000})
		}
	}
	for _, ch := range channels {
		if rng.IntN(2) == 0 {
			costs = append(costs, Cost{Channel: ch, Amount: rng.Float64() * 500})
		}
	}
	rng.Shuffle(len(costs), func(i, j int) { costs[i], costs[j] = costs[j], costs[i] })
	var touches []Touch
	for range rng.IntN(5 * n) {
		t := Touch{ContactID: contacts[rng.IntN(n)].ID}
		if rng.IntN(5) > 0 {
			t.Campaign = fmt.Sprint("camp", rng.IntN(nCamp))
		}
		if t.Campaign == "" || rng.IntN(2) == 0 {
			t.Channel = channels[rng.IntN(len(channels)-1)] // never tv
		}
		touches = append(touches, t)
	}
	return contacts, costs, touches
}

// referenceSpend allocates spend the slow, obvious way (the SQL of the
// contact_cost feature): per campaign and per channel, the set of distinct
// contacts, and spend / size of the set to each.
func referenceSpend(contacts []Contact, costs []Cost, touches []Touch) map[string]float64 {
	campSet := map[string]map[string]bool{}
	chanSet := map[string]map[string]bool{}
	for _, t := range touches {
		if t.Campaign != "" {
			if campSet[t.Campaign] == nil {
				campSet[t.Campaign] = map[string]bool{}
			}
			campSet[t.Campaign][t.ContactID] = true
		}
		if t.Channel != "" {
			if chanSet[t.Channel] == nil {
				chanSet[t.Channel] = map[string]bool{}
			}
			chanSet[t.Channel][t.ContactID] = true
		}
	}
	spend := map[string]float64{}
	for _, c := range costs {
		switch {
		case c.Kind == KindSupport:
		case c.ContactID != "":
			spend[c.ContactID] += c.Amount
		case c.Campaign != "":
			for id := range campSet[c.Campaign] {
				spend[id] += c.Amount / float64(len(campSet[c.Campaign]))
			}
		default:
			for id := range chanSet[c.Channel] {
				spend[id] += c.Amount / float64(len(chanSet[c.Channel]))
			}
		}
	}
	return spend
}

func sumRows(rows []Row, group string) (spend, revenue, profit float64) {
	for _, r := range rows {
		if r.Group == group {
			spend += r.Spend
			revenue += r.Revenue
			profit += r.Profit
		}
	}
	return spend, revenue, profit
}

func TestAllocateProperties(t *testing.T) {
	const eps = 1e-9
	closeTo := func(a, b, scale float64) bool { return math.Abs(a-b) <= eps*math.Max(1, scale) }
	for seed := range uint64(60) {
		rng := rand.New(rand.NewPCG(seed, 1))
		contacts, costs, touches := randomData(rng, 1+rng.IntN(200))
		r, err := Allocate(context.Background(), contacts, costs, touches, Options{Seed: seed, Resamples: 500})
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		scale := r.TotalSpend
		if got := r.AllocatedSpend + r.UnallocatedSpend; !closeTo(got, r.TotalSpend, scale) {
			t.Errorf("seed %d: allocated + unallocated = %v, total %v", seed, got, r.TotalSpend)
		}
		var u float64
		for _, s := range r.Unallocated {
			u += s.Amount
		}
		if !closeTo(u, r.UnallocatedSpend, scale) {
			t.Errorf("seed %d: Σ Unallocated = %v, UnallocatedSpend %v", seed, u, r.UnallocatedSpend)
		}
		ref := referenceSpend(contacts, costs, touches)
		for i, c := range contacts {
			if !closeTo(r.ContactSpend[i], ref[c.ID], scale) {
				t.Errorf("seed %d: contact %d spend %v, reference %v", seed, i, r.ContactSpend[i], ref[c.ID])
			}
		}
		revScale := 0.0
		for _, c := range contacts {
			revScale += math.Abs(c.Revenue) + math.Abs(c.Profit)
		}
		for _, g := range r.Groups {
			for name, rows := range map[string][]Row{"channel": r.GroupChannels, "campaign": r.GroupCampaigns} {
				s, rev, p := sumRows(rows, g.Group)
				if !closeTo(s, g.Spend, scale) || !closeTo(rev, g.Revenue, revScale) || !closeTo(p, g.Profit, revScale) {
					t.Errorf("seed %d: group %s by %s sums to (%v, %v, %v), group (%v, %v, %v)",
						seed, g.Group, name, s, rev, p, g.Spend, g.Revenue, g.Profit)
				}
			}
		}
		for name, rows := range map[string][]Row{"channel": r.Channels, "campaign": r.Campaigns} {
			s, rev, p := sumRows(rows, "")
			if !closeTo(s, r.AllocatedSpend, scale) || !closeTo(rev, r.All.Revenue, revScale) || !closeTo(p, r.All.Profit, revScale) {
				t.Errorf("seed %d: by %s sums to (%v, %v, %v), all (%v, %v, %v)",
					seed, name, s, rev, p, r.AllocatedSpend, r.All.Revenue, r.All.Profit)
			}
		}
		w := r.WhatIf
		if !(w.LostRevenueLow <= w.LostRevenue+eps*revScale && w.LostRevenue <= w.LostRevenueHigh+eps*revScale) {
			t.Errorf("seed %d: Y = %v outside [%v, %v]", seed, w.LostRevenue, w.LostRevenueLow, w.LostRevenueHigh)
		}
	}
}

// The interval is the same for the same seed, whatever the number of
// CPUs, and differs for another seed.
func TestBootstrapReproducible(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	contacts, costs, touches := randomData(rng, 400)
	run := func(seed uint64) WhatIf {
		r, err := Allocate(context.Background(), contacts, costs, touches, Options{Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		return r.WhatIf
	}
	a := run(3)
	prev := runtime.GOMAXPROCS(1)
	b := run(3)
	runtime.GOMAXPROCS(prev)
	if a != b {
		t.Errorf("same seed, 1 CPU and %d: %+v != %+v", prev, b, a)
	}
	if c := run(4); c.LostRevenueLow == a.LostRevenueLow && c.LostRevenueHigh == a.LostRevenueHigh {
		t.Errorf("seeds 3 and 4 give the same interval [%v, %v]", a.LostRevenueLow, a.LostRevenueHigh)
	}
	if !(a.LostRevenueLow < a.LostRevenue && a.LostRevenue < a.LostRevenueHigh) {
		t.Errorf("Y = %v outside (%v, %v)", a.LostRevenue, a.LostRevenueLow, a.LostRevenueHigh)
	}
	// The spread of a sum of m draws is about √m × sd: a sanity check on
	// the width, not an exact figure (±25 %).
	var mean, m2 float64
	for _, c := range contacts {
		if c.Excluded {
			mean += c.Revenue
		}
	}
	mean /= float64(a.Contacts)
	for _, c := range contacts {
		if c.Excluded {
			m2 += (c.Revenue - mean) * (c.Revenue - mean)
		}
	}
	sd := math.Sqrt(m2 / float64(a.Contacts))
	want := 2 * 1.96 * math.Sqrt(float64(a.Contacts)) * sd
	if got := a.LostRevenueHigh - a.LostRevenueLow; math.Abs(got-want) > 0.25*want {
		t.Errorf("interval width %v, normal approximation %v", got, want)
	}
}
