package audit

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/persona"
	"github.com/antipersona/antipersona/subgroup"
)

// fixture repeats a block of ten contacts `times` times. In a block, rows
// 0, 1, 2, 5 and 8 converted with 100 of revenue each (profit 30); a holds
// on rows 0-4 and b on the even rows, so a ∧ b matches rows 0, 2 and 4.
func fixture(times int) Input {
	in := Input{Name: "test", Conditions: []Condition{{Name: "a", Expr: "a"}, {Name: "b", Expr: "b"}}}
	for range times {
		for r := range 10 {
			conv := r == 0 || r == 1 || r == 2 || r == 5 || r == 8
			in.Converted = append(in.Converted, conv)
			rev, prof := 0.0, -5.0
			if conv {
				rev, prof = 100, 30
			}
			in.Revenue, in.Profit = append(in.Revenue, rev), append(in.Profit, prof)
			in.Conditions[0].Holds = append(in.Conditions[0].Holds, r <= 4)
			in.Conditions[1].Holds = append(in.Conditions[1].Holds, r%2 == 0)
		}
	}
	return in
}

// TestRunByHand checks an audit against figures worked out by hand.
//
// Per block: 3 matched (rows 0, 2, 4), 2 of them converted: rate 2/3
// against 5/10; customers covered 2/5, revenue 200/500, profit
// (30+30-5)/(5·30-5·5) = 55/125. Each condition splits a block 5/5 with 3
// and 2 converted: rate 0.6 inside, 0.4 outside, lift 1.5; information
// gain 1 - H(0.6) = 0.029049 bits; chi-square Σ(0.5²/2.5) = 0.4 per block,
// so 0.4 (p 0.5271, P(χ²₁ > 0.4)) for one block and 40 (p 2.5e-10) for a
// hundred.
func TestRunByHand(t *testing.T) {
	r, err := Run(context.Background(), fixture(1), Options{})
	if err != nil {
		t.Fatal(err)
	}
	near := func(name string, got, want, tol float64) {
		t.Helper()
		if math.Abs(got-want) > tol {
			t.Errorf("%s = %.6g, want %.6g", name, got, want)
		}
	}
	if r.Matched != 3 || r.Contacts != 10 {
		t.Fatalf("matched %d of %d, want 3 of 10", r.Matched, r.Contacts)
	}
	near("conversion_rate", r.ConversionRate, 2.0/3, 1e-12)
	near("base_conversion_rate", r.BaseConversionRate, 0.5, 1e-12)
	near("customer_share", r.CustomerShare, 0.4, 1e-12)
	near("revenue_share", r.RevenueShare, 0.4, 1e-12)
	near("profit_share", r.ProfitShare, 55.0/125, 1e-12)
	near("revenue_per_contact", r.RevenuePerContact.Mean, 200.0/3, 1e-9)
	near("base_revenue_per_contact", r.BaseRevenuePerContact, 50, 1e-12)
	for _, c := range r.Conditions {
		near(c.Name+" rate_in", c.RateIn, 0.6, 1e-12)
		near(c.Name+" rate_out", c.RateOut, 0.4, 1e-12)
		near(c.Name+" lift", c.Lift, 1.5, 1e-12)
		near(c.Name+" information_gain", c.InformationGain, 0.029049, 1e-6)
		near(c.Name+" chi_square", c.ChiSquare, 0.4, 1e-12)
		near(c.Name+" p_value", c.PValue, 0.5271, 1e-4)
		if !c.Pseudo {
			t.Errorf("%s: not flagged with p %.3g on ten contacts", c.Name, c.PValue)
		}
	}
	big, err := Run(context.Background(), fixture(100), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range big.Conditions {
		near(c.Name+" chi_square ×100", c.ChiSquare, 40, 1e-9)
		if c.Pseudo || c.PAdjusted > 1e-8 {
			t.Errorf("%s: pseudo %v, adjusted p %.3g; want discriminating", c.Name, c.Pseudo, c.PAdjusted)
		}
	}
	// A lift of 1.5 is inside the band when MinLift is 2.
	wide, _ := Run(context.Background(), fixture(100), Options{MinLift: 2})
	if !wide.Conditions[0].Pseudo {
		t.Error("lift 1.5 with MinLift 2: not flagged")
	}
}

// TestNegativeOverlap: a negative persona holding rows 0 and 1 of each
// block has 1 of the 3 matched contacts (row 0).
func TestNegativeOverlap(t *testing.T) {
	in := fixture(2)
	neg := Negative{ID: "neg-x-1", Name: "Webinar tourists", Kind: "mimic", Members: make([]bool, 20)}
	for b := range 2 {
		neg.Members[10*b], neg.Members[10*b+1] = true, true
	}
	in.Negatives = []Negative{neg, {ID: "neg-y-1", Members: make([]bool, 20)}}
	r, err := Run(context.Background(), in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.NegativeOverlap) != 1 || r.NegativeOverlap[0].Contacts != 2 || math.Abs(r.NegativeOverlap[0].Share-1.0/3) > 1e-12 {
		t.Fatalf("overlap %+v, want neg-x-1 with 2 contacts, a third", r.NegativeOverlap)
	}
}

func TestRunErrors(t *testing.T) {
	in := fixture(1)
	in.Conditions[1].Holds = in.Conditions[1].Holds[:5]
	if _, err := Run(context.Background(), in, Options{}); err == nil {
		t.Error("a condition of the wrong length: no error")
	}
	if _, err := Run(context.Background(), Input{Name: "empty"}, Options{}); err == nil {
		t.Error("no condition: no error")
	}
}

// TestMissedAndSuggested plants, in 2,000 contacts: a region that
// discriminates (north converts 60 %, south 20 %), a coin flip that does
// not, and outside the persona a "gold" tier converting 90 % with high
// revenue. The persona "north AND coin" must keep north and drop the coin,
// and name tier = gold as the biggest group it misses.
func TestMissedAndSuggested(t *testing.T) {
	const n = 2000
	a := &persona.Analysis{}
	region := persona.NewColumn("region", "region", antipersona.TraitCategory, antipersona.DimensionGeographic, n)
	tier := persona.NewColumn("tier", "tier", antipersona.TraitCategory, antipersona.DimensionSocioEconomic, n)
	in := Input{Name: "north coins", Conditions: []Condition{{Name: "north", Expr: `region == "north"`}, {Name: "coin", Expr: "coin"}}}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range n {
		a.IDs = append(a.IDs, fmt.Sprint(i))
		north, coin, gold := i%2 == 0, rng.IntN(2) == 0, i%10 == 1 // gold: south only
		region.Str[i], tier.Str[i] = "south", "basic"
		if north {
			region.Str[i] = "north"
		}
		if gold {
			tier.Str[i] = "gold"
		}
		var conv bool
		switch {
		case gold:
			conv = i%100 < 90
		case north:
			conv = (i/4)%5 < 3 // 60 %
		default:
			conv = (i/4)%5 < 1 // 20 %
		}
		rev := 0.0
		if conv {
			rev = 100
			if gold {
				rev = 1000
			}
		}
		in.Converted, in.Revenue, in.Profit = append(in.Converted, conv), append(in.Revenue, rev), append(in.Profit, rev/10)
		in.Conditions[0].Holds = append(in.Conditions[0].Holds, north)
		in.Conditions[1].Holds = append(in.Conditions[1].Holds, coin)
	}
	a.Traits = []persona.Column{region, tier}
	in.Traits = a
	r, err := Run(context.Background(), in, Options{Search: subgroup.Options{MinSize: 30}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Conditions[0].Pseudo || !r.Conditions[1].Pseudo {
		t.Errorf("north pseudo %v, coin pseudo %v", r.Conditions[0].Pseudo, r.Conditions[1].Pseudo)
	}
	if len(r.MissedGroups) == 0 || r.MissedGroups[0].Description != "tier = gold" {
		t.Fatalf("missed groups %+v, want tier = gold first", r.MissedGroups)
	}
	if g := r.MissedGroups[0]; g.CEL != `tier == "gold"` || g.Outside != 200 {
		t.Errorf("missed group %+v: want CEL tier == \"gold\" and 200 contacts outside", g)
	}
	if r.Suggested == nil || len(r.SuggestedConditions) == 0 || r.SuggestedConditions[0] != `region == "north"` || len(r.Suggested.Dropped) != 1 || r.Suggested.Dropped[0] != "coin" {
		t.Errorf("suggested %v (%+v), want region == \"north\" kept and coin dropped", r.SuggestedConditions, r.Suggested)
	}
}
