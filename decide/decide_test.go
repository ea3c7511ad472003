package decide

import (
	"math"
	"strings"
	"testing"

	"github.com/antipersona/antipersona"
)

// TestDecideHandComputed checks every rule on a fixture computed by hand.
//
// Costed contacts and their cost per day of tenure (at least 30 days):
// A 73/365 = 0.2, C 146/365 = 0.4, F 30/30 = 1.0, G 36.5/365 = 0.1; the mean
// is 1.7/4 = 0.425 a day, so an uncosted contact costs 0.425 × 365 =
// 155.125 over the horizon. The customers with a CLV are A (400) and B
// (200): a customer is worth (400 + 200)/2 = 300. Buyers A, B, D of 9:
// base rate 1/3. The prospects' mean probability is (0.1 + 0.9 + 0.2 + 0.8 +
// 0.9 + 0.1)/6 = 0.5: a prospect is activated from 0.75, kept in a negative
// persona from 0.5.
func TestDecideHandComputed(t *testing.T) {
	nan := math.NaN()
	mimic := Membership{Persona: "neg-1", Name: "Webinar tourists", Kind: "mimic", Handling: "organic_only"}
	paid := Membership{Persona: "neg-2", Name: "Lead-ad forms", Kind: "expensive_lead", Handling: "exclude_from_paid"}
	cs := []Contact{
		{ID: "A", Buyer: true, PAlive: 0.8, CLV: 400, ContactCost: 73, TenureDays: 365, DaysSinceActivity: 5},
		{ID: "B", Buyer: true, PAlive: nan, CLV: 200, TenureDays: 400, DaysSinceActivity: 50},
		{ID: "C", Propensity: 0.1, CLV: nan, PAlive: nan, ContactCost: 146, TenureDays: 365, DaysSinceActivity: 10, Negatives: []Membership{mimic}},
		{ID: "D", Buyer: true, PAlive: nan, CLV: nan, TenureDays: 100, DaysSinceActivity: nan},
		{ID: "E", Propensity: 0.9, CLV: nan, PAlive: nan, TenureDays: 100, DaysSinceActivity: 3},
		{ID: "F", Propensity: 0.2, CLV: nan, PAlive: nan, ContactCost: 30, TenureDays: 10, DaysSinceActivity: 1, Negatives: []Membership{paid, mimic}},
		{ID: "G", Propensity: 0.8, CLV: nan, PAlive: nan, ContactCost: 36.5, TenureDays: 365, DaysSinceActivity: 1},
		{ID: "H", Propensity: 0.9, CLV: nan, PAlive: nan, TenureDays: 365, DaysSinceActivity: 1, Negatives: []Membership{paid}},
		{ID: "I", Propensity: 0.1, CLV: nan, PAlive: nan, TenureDays: 365, DaysSinceActivity: 200, Negatives: []Membership{mimic}},
	}
	for i := range cs {
		cs[i].CycleDays = nan // no decision cycles: a prospect's p is its propensity
		cs[i].ChangedDays, cs[i].PriorPropensity = nan, nan
	}
	ds, sum := Decide(cs, DefaultPolicy())
	if math.Abs(sum.CustomerValue-300) > 1e-9 || math.Abs(sum.BaseRate-1.0/3) > 1e-12 || math.Abs(sum.CostPerDay-0.425) > 1e-12 || sum.Costed != 4 {
		t.Fatalf("summary %+v, want value 300, base rate 1/3, 0.425 a day, 4 costed", sum)
	}
	want := []struct {
		action   antipersona.Action
		p, v, c  float64
		ev       float64
		last     string // the last reason code
		sentence string // a part of the sentence
	}{
		// A: p_alive 0.8, 0.8 × v = 400 so v = 500; cost 0.2 × 365 = 73; EV 327.
		// (A's Lost is set below to check the net margin: see the end.)
		{antipersona.ActionMaintain, 0.8, 500, 73, 327, antipersona.ReasonEVPositive, "maintain: a customer expected to bring 400 PLN"},
		// B: historic value, p = 1; EV 200 − 155.125 = 44.875 (0.425 is not exact in binary: 44.87).
		{antipersona.ActionMaintain, 1, 200, 155.125, 44.875, antipersona.ReasonEVPositive, "expected value 44.87 PLN"},
		// C: 0.1 × 300 − 146 = −116, a mimic active 10 days ago.
		{antipersona.ActionOrganicOnly, 0.1, 300, 146, -116, antipersona.ReasonEVNegative, "organic only: matches 'Webinar tourists' and was active 10 days ago; expected value −116 PLN"},
		// D: a buyer with no value: 0 − 155.125.
		{antipersona.ActionExclude, 1, 0, 155.125, -155.125, antipersona.ReasonEVNegative, "excluded: expected value −155.13 PLN"},
		// E: 0.9 × 300 = 270 < 2 × 155.125 = 310.25: nurture, EV 114.875.
		{antipersona.ActionNurture, 0.9, 300, 155.125, 114.875, antipersona.ReasonEVPositive, "below 2× the contact cost"},
		// F: 0.2 × 300 − 1.0 × 365 = −305; the first membership decides: exclude.
		{antipersona.ActionExclude, 0.2, 300, 365, -305, antipersona.ReasonEVNegative, "excluded: matches 'Lead-ad forms'; expected value −305 PLN"},
		// G: 0.8 × 300 = 240 ≥ 2 × 36.5: activate, EV 203.5.
		{antipersona.ActionActivate, 0.8, 300, 36.5, 203.5, antipersona.ReasonEVHigh, "= expected value 203.50 PLN"},
		// H: 270 − 155.125 = 114.875 ≥ 0, but a negative persona must bring
		// 2 × 155.125 = 310.25: exclude.
		{antipersona.ActionExclude, 0.9, 300, 155.125, 114.875, antipersona.ReasonPersonaThreshold, "excluded: matches 'Lead-ad forms'; expected value 114.87 PLN: margin 270 PLN below 2× the contact cost (310.25 PLN)"},
		// I: 30 − 155.125 < 0, organic_only handling but inactive for 200 days: exclude.
		{antipersona.ActionExclude, 0.1, 300, 155.125, -125.125, antipersona.ReasonEVNegative, "excluded: matches 'Webinar tourists'"},
	}
	for i, w := range want {
		d := ds[i]
		if d.ContactID != cs[i].ID || d.Action != w.action {
			t.Errorf("%s: action %s, want %s", cs[i].ID, d.Action, w.action)
		}
		for _, f := range []struct {
			name      string
			got, want float64
		}{{"probability", d.Probability, w.p}, {"value", d.Value, w.v}, {"cost", d.Cost, w.c}, {"expected value", d.ExpectedValue, w.ev}} {
			if math.Abs(f.got-f.want) > 1e-9 {
				t.Errorf("%s: %s %v, want %v", cs[i].ID, f.name, f.got, f.want)
			}
		}
		if got := d.Reasons[len(d.Reasons)-1].Code; got != w.last {
			t.Errorf("%s: last reason %s, want %s (%+v)", cs[i].ID, got, w.last, d.Reasons)
		}
		if got := Sentence(d, DefaultPolicy(), sum); !strings.Contains(got, w.sentence) {
			t.Errorf("%s: sentence %q, want it to contain %q", cs[i].ID, got, w.sentence)
		}
	}
	// A customer whose returns and support ate a quarter of its margin:
	// 400 × 0.75 = 300 of margin expected, EV 300 − 73 = 227.
	cs[0].Lost = 0.25
	ds2, _ := Decide(cs, DefaultPolicy())
	if got := ds2[0].ExpectedValue; math.Abs(got-227) > 1e-9 {
		t.Errorf("A with a quarter lost: expected value %v, want 227", got)
	}
	// F's reasons name both memberships, in order.
	var names []string
	for _, r := range ds[5].Reasons {
		if r.Code == antipersona.ReasonNegativePersona {
			names = append(names, r.Persona)
		}
	}
	if strings.Join(names, ",") != "neg-2,neg-1" {
		t.Errorf("F: negative persona reasons %v, want neg-2,neg-1", names)
	}
}

// TestDecideWithoutCosts: when nobody has a contact cost, paid budget
// always pays back and the probabilities decide: the prospects' mean is
// (0.6 + 0.5 + 1/6 + 0.5 + 0.1)/5 = 0.37333 (p3 has no propensity: the
// base rate of buyers, 1/6, stands in), so a prospect is activated from
// 1.5 × 0.37333 = 0.56 and kept in a negative persona from 0.37333.
func TestDecideWithoutCosts(t *testing.T) {
	nan := math.NaN()
	member := []Membership{{Persona: "neg-1", Name: "x", Handling: "exclude_from_paid"}}
	cs := []Contact{
		{ID: "b", Buyer: true, PAlive: nan, CLV: 100, DaysSinceActivity: nan},
		{ID: "p1", Propensity: 0.6, DaysSinceActivity: nan},
		{ID: "p2", Propensity: 0.5, DaysSinceActivity: nan},
		{ID: "p3", Propensity: nan, DaysSinceActivity: nan},
		{ID: "m1", Propensity: 0.5, DaysSinceActivity: nan, Negatives: member},
		{ID: "m2", Propensity: 0.1, DaysSinceActivity: nan, Negatives: member},
	}
	for i := range cs {
		cs[i].CycleDays, cs[i].ChangedDays, cs[i].PriorPropensity, cs[i].NextPurchase = nan, nan, nan, nan
	}
	ds, sum := Decide(cs, DefaultPolicy())
	if math.Abs(sum.ProspectRate-(1.7+1.0/6)/5) > 1e-12 {
		t.Errorf("prospect rate %v, want %v", sum.ProspectRate, (1.7+1.0/6)/5)
	}
	want := []antipersona.Action{antipersona.ActionMaintain, antipersona.ActionActivate, antipersona.ActionNurture, antipersona.ActionNurture,
		antipersona.ActionNurture, antipersona.ActionExclude}
	for i, w := range want {
		if ds[i].Action != w {
			t.Errorf("%s: %s, want %s (%+v)", cs[i].ID, ds[i].Action, w, ds[i].Reasons)
		}
	}
	if ds[3].Probability != 1.0/6 {
		t.Errorf("p3: probability %v, want the base rate 1/6", ds[3].Probability)
	}
}

func TestFormatMoney(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{{-12, "−12 PLN"}, {1234.5, "1,234.50 PLN"}, {1234567, "1,234,567 PLN"}, {0.004, "0 PLN"}, {999.999, "1,000 PLN"}} {
		if got := formatMoney(c.v, "PLN"); got != c.want {
			t.Errorf("formatMoney(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}

// TestFirstPurchase checks the cure-model probability by hand: decision
// cycles 10, 20, 30 and 100 days, so F(15) = 1/4, F(25) = 1/2, F(115) = 1
// and F(20) = 1/2 (inclusive). A prospect with propensity q = 0.4 first
// seen 15 days ago buys within 10 days with probability
// 0.4 × (1/2 − 1/4) / (1 − 0.4 × 1/4) = 0.1/0.9, within a year with
// 0.4 × 3/4 / 0.9 = 1/3; after 200 days, never (every cycle is shorter).
func TestFirstPurchase(t *testing.T) {
	s := Summary{Cycles: []float64{10, 20, 30, 100}}
	for _, c := range []struct{ q, t, h, want float64 }{
		{0.4, 15, 10, 0.1 / 0.9},
		{0.4, 15, 365, 0.3 / 0.9},
		{0.4, 200, 365, 0},
		{0.4, 0, 20, 0.4 * 0.5},
		{1, 100, 10, 0},
	} {
		if got := s.firstPurchase(c.q, c.t, c.h); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("firstPurchase(%v, %v, %v) = %v, want %v", c.q, c.t, c.h, got, c.want)
		}
	}
	if got := s.cycleCDF(20); got != 0.5 {
		t.Errorf("F(20) = %v, want 0.5", got)
	}
	// Through Decide: the median cycle, and a prospect's p.
	nan := math.NaN()
	cs := []Contact{
		{ID: "b1", Buyer: true, CLV: 100, PAlive: nan, CycleDays: 10, DaysSinceActivity: nan},
		{ID: "b2", Buyer: true, CLV: 100, PAlive: nan, CycleDays: 20, DaysSinceActivity: nan},
		{ID: "b3", Buyer: true, CLV: 100, PAlive: nan, CycleDays: 30, DaysSinceActivity: nan},
		{ID: "b4", Buyer: true, CLV: 100, PAlive: nan, CycleDays: 100, DaysSinceActivity: nan},
		{ID: "p", Propensity: 0.4, TenureDays: 15, CycleDays: nan, DaysSinceActivity: nan, ChangedDays: nan, PriorPropensity: nan},
		// Met 400 days ago (F(400) = 1: p_t = 0), traits changed 15 days
		// ago from a propensity of 0: r = 0.4 and p' = 1/3, so p = 1/3.
		{ID: "q", Propensity: 0.4, TenureDays: 400, CycleDays: nan, DaysSinceActivity: nan, ChangedDays: 15, PriorPropensity: 0},
		// The same with a change that left the propensity at 0.4: r = 0, p = 0.
		{ID: "r", Propensity: 0.4, TenureDays: 400, CycleDays: nan, DaysSinceActivity: nan, ChangedDays: 15, PriorPropensity: 0.4},
	}
	ds, sum := Decide(cs, DefaultPolicy())
	if sum.MedianCycle != 25 {
		t.Errorf("median cycle %v, want 25", sum.MedianCycle)
	}
	for _, i := range []int{4, 5} {
		if got := ds[i].Probability; math.Abs(got-0.3/0.9) > 1e-12 {
			t.Errorf("%s: probability %v, want 1/3", cs[i].ID, got)
		}
	}
	if got := ds[6].Probability; got != 0 {
		t.Errorf("r: probability %v, want 0", got)
	}
}

// TestRecheck: an excluded contact is reinstated only when it changed.
// The prospect x is worth paid budget now (0.9 × 300 = 270 ≥ 2 × 10, and
// 0.9 ≥ 1.5 × the prospects' mean 0.5) but was excluded in the previous
// build.
func TestRecheck(t *testing.T) {
	nan := math.NaN()
	member := []Membership{{Persona: "neg-1", Name: "Webinar tourists", Handling: "organic_only"}}
	base := func(prior *Prior, negs []Membership, freq float64) []Contact {
		return []Contact{
			{ID: "buyer", Buyer: true, CLV: 300, PAlive: nan, CycleDays: nan, ChangedDays: nan, PriorPropensity: nan, NextPurchase: nan, DaysSinceActivity: nan, Frequency: 1},
			// Another prospect, so that the mean prospect's p is 0.5.
			{ID: "low", Propensity: 0.1, ContactCost: 10, TenureDays: 365, CycleDays: nan, ChangedDays: nan, PriorPropensity: nan, NextPurchase: nan, DaysSinceActivity: nan},
			{ID: "x", Propensity: 0.9, ContactCost: 10, TenureDays: 365, CycleDays: nan, ChangedDays: nan, PriorPropensity: nan, NextPurchase: nan, DaysSinceActivity: 3,
				Negatives: negs, Frequency: freq, Prior: prior},
		}
	}
	for _, c := range []struct {
		name   string
		prior  *Prior
		negs   []Membership
		freq   float64
		want   antipersona.Action
		reason string
	}{
		{"no prior", nil, member, 0, antipersona.ActionNurture, antipersona.ReasonEVPositive},
		{"unchanged", &Prior{Action: antipersona.ActionOrganicOnly}, member, 0, antipersona.ActionOrganicOnly, antipersona.ReasonUnchanged},
		{"first order", &Prior{Action: antipersona.ActionOrganicOnly}, member, 1, antipersona.ActionNurture, antipersona.ReasonEVPositive},
		{"new traits", &Prior{Action: antipersona.ActionExclude, TraitsChanged: true}, member, 0, antipersona.ActionNurture, antipersona.ReasonEVPositive},
		{"another persona now", &Prior{Action: antipersona.ActionExclude}, member, 0, antipersona.ActionExclude, antipersona.ReasonUnchanged},
		{"left the persona", &Prior{Action: antipersona.ActionExclude, HadPersona: true, PersonasRemain: true}, nil, 0, antipersona.ActionActivate, antipersona.ReasonEVHigh},
		{"the persona is gone", &Prior{Action: antipersona.ActionExclude, HadPersona: true}, nil, 0, antipersona.ActionExclude, antipersona.ReasonUnchanged},
		{"only a kind before", &Prior{Action: antipersona.ActionExclude, PersonasRemain: true}, nil, 0, antipersona.ActionExclude, antipersona.ReasonUnchanged},
	} {
		ds, sum := Decide(base(c.prior, c.negs, c.freq), DefaultPolicy())
		d := ds[2]
		if c.reason == antipersona.ReasonUnchanged && len(c.negs) > 0 {
			if got := Sentence(d, DefaultPolicy(), sum); !strings.Contains(got, "still matches 'Webinar tourists' and nothing about the contact changed") {
				t.Errorf("%s: sentence %q", c.name, got)
			}
		}
		if d.Action != c.want || d.Reasons[len(d.Reasons)-1].Code != c.reason {
			t.Errorf("%s: %s (%+v), want %s with %s last", c.name, d.Action, d.Reasons, c.want, c.reason)
		}
	}
}

// TestNextPurchase: with a next-purchase probability w over W days,
// p = 1 − (1 − w)^(H/W): w = 0.2 over half the horizon gives
// 1 − 0.8² = 0.36 (hand computation); NaN falls back to the propensity.
func TestNextPurchase(t *testing.T) {
	nan := math.NaN()
	pol := DefaultPolicy()
	pol.NextWindowDays = pol.HorizonDays / 2
	cs := []Contact{
		{ID: "b", Buyer: true, CLV: 100, PAlive: nan, CycleDays: nan, ChangedDays: nan, PriorPropensity: nan, NextPurchase: nan, DaysSinceActivity: nan},
		{ID: "w", Propensity: 0.9, NextPurchase: 0.2, CycleDays: nan, ChangedDays: nan, PriorPropensity: nan, DaysSinceActivity: nan},
		{ID: "q", Propensity: 0.9, NextPurchase: nan, CycleDays: nan, ChangedDays: nan, PriorPropensity: nan, DaysSinceActivity: nan},
	}
	ds, _ := Decide(cs, pol)
	if got := ds[1].Probability; math.Abs(got-0.36) > 1e-12 {
		t.Errorf("w: probability %v, want 0.36", got)
	}
	if got := ds[2].Probability; got != 0.9 {
		t.Errorf("q: probability %v, want the propensity 0.9", got)
	}
}
