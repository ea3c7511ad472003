// Package decide gives every contact one action — activate, nurture,
// maintain, organic_only or exclude — from its expected value and its
// negative-persona memberships, with reason codes and a sentence.
//
// It works on plain slices: the caller reads the features, the propensity
// scores and the persona memberships of a build into Contact values.
//
// # Expected value
//
// All money is margin in the workspace currency over the horizon H of the
// lifetime-value models (clv.months):
//
//		EV = p × v − c
//
//	  - A customer (has bought): p = p_alive (1 when the CLV models did not
//	    run), and p × v = predicted_clv, the margin the CLV models expect
//	    over H (so v = predicted_clv / p_alive).
//	  - A prospect (has not bought): p = the calibrated propensity to buy
//	    (the base rate of buyers when there is no model), and v = the mean
//	    predicted_clv of the customers: what a customer is worth.
//	  - c, the paid contact cost expected over H: the contact's own paid
//	    contact cost so far per day of tenure (at least 30 days), times H in
//	    days; for a contact never paid for, the mean of that rate over the
//	    contacts paid for (what reaching them would cost).
//
// # Policy
//
// Paid budget on a contact pays back when the margin expected from it,
// p × v, covers (1 + ActivateROI) times its contact cost and EV ≥
// ExcludeBelow. A prospect is worth activating when it pays back and p ≥
// ActivateLift × the mean p of all prospects (it looks clearly better
// than the average prospect); a prospect in a negative persona keeps paid
// budget when it pays back and p ≥ KeepLift × that mean (it looks at
// least as good as the average prospect, whatever the persona says).
// Without contact costs the probabilities decide alone. The first rule
// that holds decides:
//
//  1. A member of a negative persona (or a contact meeting a negative
//     kind's definition by behaviour) that does not keep paid budget (a
//     customer: does not pay back): organic_only
//     when that persona's (or kind's) handling is organic_only and the
//     contact was active within ActiveDays, else exclude.
//  2. A customer with EV < ExcludeBelow: exclude.
//  3. A customer: maintain.
//  4. A prospect in a negative persona that keeps paid budget: nurture,
//     never activate.
//  5. A prospect worth paid budget: activate.
//  6. Any other prospect: nurture (owned channels, no paid activation) —
//     a prospect is excluded only as a member of a negative persona.
//
// # Re-checking exclusions
//
// A contact excluded (exclude or organic_only) in the previous build is
// reinstated only when the rules above no longer exclude it and the
// contact itself changed: it ordered for the first time, its traits
// changed in a way that matters (a new version of them that raised its
// propensity to buy), or it was in negative personas that are found again
// and it is in none of them any more. A new model, re-discovered personas
// or a customer's next order alone do not move it back and forth (reason
// code unchanged).
//
// A change of traits that raises a prospect's propensity from q0 (its
// traits before the change, scored by the same model) to q also starts a
// second clock: with probability r = (q − q0)/(1 − q0) the change made a
// buyer of it, met on the day of the change, t' days ago. Then
// p = 1 − (1 − p_t)(1 − p'), with p_t the probability above (q, t) and p'
// the same formula with r and t'. A change that does not raise the
// propensity (a move, a new household) leaves p as it was.
package decide

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/antipersona/antipersona"
)

// Membership is a contact's membership of a negative persona (Persona set)
// or its meeting a negative kind's definition by behaviour (Persona empty).
type Membership struct {
	Persona  string // persona id; "" for a kind
	Name     string // persona name, or the kind's label
	Kind     string // negative kind (mimic, returner, ...)
	Handling string // exclude_from_paid, organic_only or review
}

// Contact is what a decision is made from.
type Contact struct {
	ID    string
	Buyer bool
	// Propensity is the calibrated probability of buying of a prospect;
	// NaN when there is no model.
	Propensity float64
	// PAlive is a customer's probability of being alive; NaN when the CLV
	// models did not run for them.
	PAlive float64
	// CLV is the predicted_clv feature: the margin expected over the
	// horizon (a customer's historic value when the models did not run);
	// NaN when unknown.
	CLV float64
	// Lost is the share of a customer's margin lost to the returns and
	// support it cost so far, (returns_cost + support_cost) / margin (above
	// 1 when they cost more than the margin); 0 or NaN when none is known.
	Lost float64
	// ContactCost is the paid contact cost so far (the contact_cost
	// feature) and TenureDays the days since first seen.
	ContactCost, TenureDays float64
	// DaysSinceActivity is the days since the last event or order; NaN
	// when there is none.
	DaysSinceActivity float64
	// CycleDays is a customer's decision cycle, the days from first seen to
	// the first order (NaN for a prospect or when unknown).
	CycleDays float64
	// ChangedDays is the days since the contact's traits last changed (a
	// new version, such as a raise or a new job); NaN when they never did.
	// PriorPropensity is the propensity of the traits before that change
	// (the same model); NaN when unknown. See the package documentation.
	ChangedDays, PriorPropensity float64
	// NextPurchase is the probability that a prospect makes a first
	// purchase within Policy.NextWindowDays, from a model of the shop's own
	// history; NaN when there is none (the cure model stands in).
	NextPurchase float64
	// Frequency is the number of orders so far.
	Frequency float64
	// Negatives are the negative personas and kinds, strongest first.
	Negatives []Membership
	// Prior is the contact's decision in the previous build; nil when there
	// is none.
	Prior *Prior
}

// Prior is what the re-check of an exclusion needs of the previous build.
type Prior struct {
	Action    antipersona.Action
	Frequency float64
	// TraitsChanged is true when the contact's traits changed since in a
	// way that matters (the caller decides: e.g. the change raised its
	// probability of buying).
	TraitsChanged bool
	// HadPersona is true when the contact was in a negative persona (not
	// only a negative kind), and PersonasRemain when each of those personas
	// is found again (the same kind and conditions) in this build.
	HadPersona, PersonasRemain bool
}

// Policy holds the thresholds of the decision rules (see the package
// documentation). The zero value is not useful: start from DefaultPolicy.
type Policy struct {
	// ExcludeBelow: a contact whose expected value is below it is kept out
	// of paid budget (currency).
	ExcludeBelow float64
	// ActivateROI: a prospect is activated when the margin expected from
	// it is at least (1 + ActivateROI) times its contact cost.
	ActivateROI float64
	// ActivateLift: a prospect is activated only when its probability p is
	// at least ActivateLift × the mean p of the prospects.
	ActivateLift float64
	// KeepLift: a prospect in a negative persona keeps paid budget only
	// when its p is at least KeepLift × the mean p of the prospects.
	KeepLift float64
	// ActiveDays: a contact active within ActiveDays still engages.
	ActiveDays float64
	// HorizonDays is the horizon of the values and costs, in days.
	HorizonDays float64
	// NextWindowDays is the window of Contact.NextPurchase, in days.
	NextWindowDays float64
	// Currency is written in the sentences.
	Currency string
}

// DefaultPolicy returns the default thresholds.
func DefaultPolicy() Policy {
	return Policy{ExcludeBelow: 0, ActivateROI: 1, ActivateLift: 1.5, KeepLift: 1, ActiveDays: 90, HorizonDays: 365, Currency: "PLN"}
}

// Summary describes what the decisions were computed with.
type Summary struct {
	// CustomerValue is the mean predicted_clv of the customers: the value v
	// of a prospect who buys (currency).
	CustomerValue float64 `json:"customer_value"`
	// BaseRate is the share of contacts who have bought.
	BaseRate float64 `json:"base_rate"`
	// CostPerDay is the mean paid contact cost per day of tenure of the
	// contacts paid for (currency/day); 0 when nobody was paid for.
	CostPerDay float64 `json:"cost_per_day"`
	// Costed is the number of contacts with a paid contact cost.
	Costed int `json:"costed"`
	// Cycles are the customers' decision cycles, sorted (days): the
	// empirical distribution F of the package documentation.
	Cycles []float64 `json:"-"`
	// MedianCycle is their median (days); 0 without any.
	MedianCycle float64 `json:"median_decision_cycle_days"`
	// ProspectRate is the mean probability p of the prospects.
	ProspectRate float64 `json:"prospect_rate"`
}

// cycleCDF is F(x): the share of decision cycles at most x days.
func (s *Summary) cycleCDF(x float64) float64 {
	if len(s.Cycles) == 0 {
		return 0
	}
	i, _ := slices.BinarySearch(s.Cycles, math.Nextafter(x, math.Inf(1)))
	return float64(i) / float64(len(s.Cycles))
}

// firstPurchase is the probability of a first purchase in (t, t + h] of a
// contact who is a buyer at all with probability q and has not bought by
// t. Without decision cycles it is q.
func (s *Summary) firstPurchase(q, t, h float64) float64 {
	if len(s.Cycles) == 0 || math.IsNaN(t) {
		return q
	}
	ft := s.cycleCDF(t)
	den := 1 - q*ft
	if den <= 0 {
		return 0
	}
	return q * (s.cycleCDF(t+h) - ft) / den
}

// minTenure is the least tenure a cost rate is computed over, so that a
// contact met yesterday does not get a year of yesterday's cost.
const minTenure = 30

// Decide returns one decision per contact, in the order given, and what
// they were computed with; Sentence words a decision (Decide leaves the
// Sentence field empty: a million sentences are written only to be
// stored). It panics when the policy's horizon is not positive.
func Decide(cs []Contact, p Policy) ([]antipersona.Decision, Summary) {
	if !(p.HorizonDays > 0) {
		panic("decide: horizon must be positive")
	}
	var sum Summary
	var clvSum, rateSum float64
	var clvN, buyers int
	for i := range cs {
		c := &cs[i]
		if c.Buyer {
			buyers++
			if !math.IsNaN(c.CLV) {
				clvSum += c.CLV
				clvN++
			}
		}
		if c.ContactCost > 0 {
			rateSum += c.ContactCost / math.Max(c.TenureDays, minTenure)
			sum.Costed++
		}
		if c.Buyer && !math.IsNaN(c.CycleDays) {
			sum.Cycles = append(sum.Cycles, c.CycleDays)
		}
	}
	slices.Sort(sum.Cycles)
	if n := len(sum.Cycles); n > 0 {
		sum.MedianCycle = (sum.Cycles[(n-1)/2] + sum.Cycles[n/2]) / 2
	}
	if clvN > 0 {
		sum.CustomerValue = clvSum / float64(clvN)
	}
	if len(cs) > 0 {
		sum.BaseRate = float64(buyers) / float64(len(cs))
	}
	if sum.Costed > 0 {
		sum.CostPerDay = rateSum / float64(sum.Costed)
	}
	out := make([]antipersona.Decision, len(cs))
	gains := make([]float64, len(cs))
	parallel(len(cs), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i], gains[i] = evaluate(&cs[i], p, &sum)
		}
	})
	var pSum float64
	var prospects int
	for i := range cs {
		if !cs[i].Buyer {
			pSum += out[i].Probability
			prospects++
		}
	}
	if prospects > 0 {
		sum.ProspectRate = pSum / float64(prospects)
	}
	parallel(len(cs), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			act(&out[i], gains[i], &cs[i], p, &sum)
		}
	})
	return out, sum
}

// parallel calls fn on contiguous parts of 0..n-1 on every core (one part
// when n is small). The decisions of different contacts are independent.
func parallel(n int, fn func(lo, hi int)) {
	parts := min(runtime.GOMAXPROCS(0), max(1, n/10000))
	var wg sync.WaitGroup
	for k := range parts {
		wg.Go(func() { fn(n*k/parts, n*(k+1)/parts) })
	}
	wg.Wait()
}

// evaluate returns a contact's decision without its action: probability,
// value, cost and expected value, and the margin expected (p × v).
func evaluate(c *Contact, p Policy, s *Summary) (antipersona.Decision, float64) {
	d := antipersona.Decision{ContactID: c.ID, Buyer: c.Buyer}
	if c.ContactCost > 0 {
		d.Cost = c.ContactCost / math.Max(c.TenureDays, minTenure) * p.HorizonDays
	} else {
		d.Cost = s.CostPerDay * p.HorizonDays
	}
	gain := 0.0
	if c.Buyer {
		d.Probability = c.PAlive
		if math.IsNaN(d.Probability) {
			d.Probability = 1
		}
		gain = c.CLV
		if math.IsNaN(gain) {
			gain = 0
		}
		if l := c.Lost; gain > 0 && l > 0 {
			gain *= 1 - l
		}
		if d.Probability > 0 {
			d.Value = gain / d.Probability
		}
		d.Reasons = append(d.Reasons, antipersona.Reason{Code: antipersona.ReasonCustomer, Value: gain})
	} else {
		q := c.Propensity
		if math.IsNaN(q) {
			q = s.BaseRate
		}
		d.Probability = s.firstPurchase(q, c.TenureDays, p.HorizonDays)
		if w := c.NextPurchase; !math.IsNaN(w) && p.NextWindowDays > 0 {
			q = w
			d.Probability = 1 - math.Pow(1-w, p.HorizonDays/p.NextWindowDays)
		} else if q0 := c.PriorPropensity; c.ChangedDays >= 0 && q0 < q {
			// The change made a buyer of a non-buyer with probability r,
			// whose clock starts on the day of the change.
			r := (q - q0) / (1 - q0)
			d.Probability = 1 - (1-d.Probability)*(1-s.firstPurchase(r, c.ChangedDays, p.HorizonDays))
		}
		d.Value = s.CustomerValue
		gain = d.Probability * d.Value
		d.Reasons = append(d.Reasons, antipersona.Reason{Code: antipersona.ReasonProspect, Value: q})
	}
	d.ExpectedValue = gain - d.Cost
	for _, m := range c.Negatives {
		r := antipersona.Reason{Code: antipersona.ReasonNegativePersona, Persona: m.Persona, Name: m.Name, Kind: m.Kind}
		if m.Persona == "" {
			r.Code = antipersona.ReasonNegativeKind
		}
		d.Reasons = append(d.Reasons, r)
	}
	return d, gain
}

// act chooses the action (see the package documentation).
func act(d *antipersona.Decision, gain float64, c *Contact, p Policy, s *Summary) {
	engaged := !math.IsNaN(c.DaysSinceActivity) && c.DaysSinceActivity <= p.ActiveDays
	paysBack := gain >= (1+p.ActivateROI)*d.Cost && d.ExpectedValue >= p.ExcludeBelow
	worth := paysBack && (c.Buyer || d.Probability >= p.ActivateLift*s.ProspectRate)
	keep := paysBack && (c.Buyer || d.Probability >= p.KeepLift*s.ProspectRate)
	reason := func(code string) {
		d.Reasons = append(d.Reasons, antipersona.Reason{Code: code, Value: d.ExpectedValue})
	}
	switch {
	case len(c.Negatives) > 0 && !keep:
		d.Action = antipersona.ActionExclude
		if c.Negatives[0].Handling == "organic_only" && engaged {
			d.Action = antipersona.ActionOrganicOnly
			d.Reasons = append(d.Reasons, antipersona.Reason{Code: antipersona.ReasonStillEngaged, Value: c.DaysSinceActivity})
		}
		if d.ExpectedValue < p.ExcludeBelow {
			reason(antipersona.ReasonEVNegative)
		} else {
			reason(antipersona.ReasonPersonaThreshold)
		}
	case c.Buyer && d.ExpectedValue < p.ExcludeBelow:
		d.Action = antipersona.ActionExclude
		reason(antipersona.ReasonEVNegative)
	case c.Buyer:
		d.Action = antipersona.ActionMaintain
		reason(antipersona.ReasonEVPositive)
	case len(c.Negatives) > 0:
		d.Action = antipersona.ActionNurture
		reason(antipersona.ReasonEVPositive)
	case worth:
		d.Action = antipersona.ActionActivate
		reason(antipersona.ReasonEVHigh)
	case d.ExpectedValue < p.ExcludeBelow:
		d.Action = antipersona.ActionNurture
		reason(antipersona.ReasonEVNegative)
	default:
		d.Action = antipersona.ActionNurture
		reason(antipersona.ReasonEVPositive)
	}
	if pr := c.Prior; pr != nil && pr.Action.Excluded() && !d.Action.Excluded() && !changed(c, pr) {
		// Nothing about the contact changed: a new model or new personas
		// alone do not reinstate it.
		d.Action = pr.Action
		reason(antipersona.ReasonUnchanged)
	}
}

// Sentence says a decision and its main reason in one line, e.g.
// "excluded: matches 'Webinar tourists'; expected value −12 PLN", from the
// decision (its figures and reasons, as Decide made them, with the names
// of its negative personas) and the policy and summary it was made with.
func Sentence(d antipersona.Decision, p Policy, s Summary) string {
	money := func(v float64) string { return formatMoney(v, p.Currency) }
	gain := d.Probability * d.Value
	bar := (1 + p.ActivateROI) * d.Cost
	paysBack := gain >= bar && d.ExpectedValue >= p.ExcludeBelow
	why := func(lift float64) string {
		switch {
		case d.ExpectedValue < p.ExcludeBelow:
			return "expected value " + money(d.ExpectedValue)
		case !paysBack:
			return fmt.Sprintf("expected value %s: margin %s below %.0f× the contact cost (%s)", money(d.ExpectedValue), money(gain), 1+p.ActivateROI, money(bar))
		}
		return fmt.Sprintf("expected value %s, probability %.1f%% below %.3g× the mean prospect's %.1f%%", money(d.ExpectedValue), 100*d.Probability, lift, 100*s.ProspectRate)
	}
	var first *antipersona.Reason
	engagedDays := math.NaN()
	last := ""
	for i := range d.Reasons {
		r := &d.Reasons[i]
		switch r.Code {
		case antipersona.ReasonNegativePersona, antipersona.ReasonNegativeKind:
			if first == nil {
				first = r
			}
		case antipersona.ReasonStillEngaged:
			engagedDays = r.Value
		}
		last = r.Code
	}
	what := ""
	if first != nil {
		what = "matches '" + first.Name + "'"
		if first.Code == antipersona.ReasonNegativeKind {
			what = "is one of the '" + first.Name + "'"
		}
	}
	switch {
	case last == antipersona.ReasonUnchanged:
		still := "nothing about the contact changed"
		if first != nil {
			still = "still matches '" + first.Name + "' and nothing about the contact changed"
		}
		verb := "excluded"
		if d.Action == antipersona.ActionOrganicOnly {
			verb = "organic only"
		}
		return fmt.Sprintf("%s: %s since it was excluded (no order, no new traits that matter); expected value now %s", verb, still, money(d.ExpectedValue))
	case d.Action == antipersona.ActionOrganicOnly:
		return fmt.Sprintf("organic only: %s and was active %.0f days ago; %s", what, engagedDays, why(p.KeepLift))
	case d.Action == antipersona.ActionExclude && first != nil:
		return fmt.Sprintf("excluded: %s; %s", what, why(p.KeepLift))
	case d.Action == antipersona.ActionExclude:
		return fmt.Sprintf("excluded: expected value %s (%s of margin expected, %s contact cost)", money(d.ExpectedValue), money(gain), money(d.Cost))
	case d.Action == antipersona.ActionMaintain:
		return fmt.Sprintf("maintain: a customer expected to bring %s of margin (p_alive %.2f); expected value %s", money(gain), d.Probability, money(d.ExpectedValue))
	case d.Action == antipersona.ActionActivate:
		return fmt.Sprintf("activate: probability %.1f%% × value %s − cost %s = expected value %s", 100*d.Probability, money(d.Value), money(d.Cost), money(d.ExpectedValue))
	case first != nil:
		return fmt.Sprintf("nurture: expected value %s, but matches '%s': no paid activation", money(d.ExpectedValue), first.Name)
	case last == antipersona.ReasonEVNegative:
		return fmt.Sprintf("nurture: %s: no paid activation, owned channels only (no negative persona matched)", why(p.ActivateLift))
	}
	return fmt.Sprintf("nurture: %s", why(p.ActivateLift))
}

// changed reports whether a contact excluded in the previous build has
// changed since: a first order, new traits that matter, or it was in
// negative personas that are found again and is in none any more. These
// do not count: a persona that is not found again or leaving a negative
// kind (everyone's data moving, not the contact: kinds are defined by
// quantiles of everyone's behaviour), and another order of a customer
// (it was excluded with its buying in view).
func changed(c *Contact, pr *Prior) bool {
	if (pr.Frequency == 0 && c.Frequency > 0) || pr.TraitsChanged {
		return true
	}
	if !pr.HadPersona || !pr.PersonasRemain {
		return false
	}
	for _, m := range c.Negatives {
		if m.Persona != "" {
			return false
		}
	}
	return true
}

// formatMoney writes an amount with a sign and no more than the cents
// that matter: "−12 PLN", "1,234.50 PLN".
func formatMoney(v float64, currency string) string {
	sign := ""
	if v < 0 {
		sign = "−"
		v = -v
	}
	s := fmt.Sprintf("%.2f", v)
	s = strings.TrimSuffix(s, ".00")
	ip, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range ip {
		if i > 0 && (len(ip)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	out := sign + b.String()
	if currency != "" {
		out += " " + currency
	}
	return out
}
