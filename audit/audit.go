// Package audit confronts a declared persona — a marketer's description of
// the ideal customer, as a conjunction of named conditions — with the data:
// how many contacts match it and how they convert and pay against everyone,
// which of its conditions discriminate buyers and which are
// pseudo-profiling, and how much it overlaps the negative personas. It
// works on plain slices (one entry per contact); the command audit feeds it
// from a workspace's last build.
package audit

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/antipersona/antipersona/persona"
	"github.com/antipersona/antipersona/subgroup"
)

// Condition is one named condition of a declared persona, evaluated for
// every contact.
type Condition struct {
	Name  string
	Expr  string // as written (CEL), for the report
	Holds []bool
}

// Input is what an audit needs, one entry per contact in every slice.
type Input struct {
	Name, Description string
	Conditions        []Condition
	Converted         []bool
	Revenue, Profit   []float64 // net revenue and profit per contact; NaN counts as 0
	// Negatives are the negative personas with their members.
	Negatives []Negative
	// Traits, when not nil, are the contacts' lead-time traits (rows in
	// the same order): the missed buyer groups and the suggested persona
	// are searched in them.
	Traits *persona.Analysis
}

// Negative is a negative persona and its members.
type Negative struct {
	ID, Name, Kind string
	Members        []bool
}

// Options tune an audit.
type Options struct {
	// Alpha is the significance level of the conditions' tests after Holm's
	// correction over the persona's conditions; default 0.05.
	Alpha float64
	// MinLift is the smallest effect that counts as discriminating: a
	// condition whose conversion inside against outside is between
	// 1/MinLift and MinLift is pseudo-profiling, however significant;
	// default 1.2.
	MinLift float64
	// Search tunes the search of missed groups (minimum size and support,
	// significance, overlap).
	Search subgroup.Options
	// KeepShare is the least share of the declared persona's revenue
	// (customers without revenue) a suggested persona keeps; default 0.7.
	KeepShare float64
}

// Report is the audit of one declared persona. Field names in JSON are
// stable (the issue and later tools rely on them).
type Report struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Contacts    int    `json:"contacts"`
	Matched     int    `json:"matched"`
	// Share is matched / contacts.
	Share float64 `json:"share"`
	// ConversionRate is the share of matched contacts who converted, with
	// its 95 % Wilson interval; BaseConversionRate that of all contacts.
	ConversionRate     float64 `json:"conversion_rate"`
	ConversionLow      float64 `json:"conversion_rate_low"`
	ConversionHigh     float64 `json:"conversion_rate_high"`
	BaseConversionRate float64 `json:"base_conversion_rate"`
	// RevenuePerContact and ProfitPerContact are the matched contacts'
	// means with 95 % intervals; the Base fields the means over everyone.
	RevenuePerContact     subgroup.MeanCI `json:"revenue_per_contact"`
	BaseRevenuePerContact float64         `json:"base_revenue_per_contact"`
	ProfitPerContact      subgroup.MeanCI `json:"profit_per_contact"`
	BaseProfitPerContact  float64         `json:"base_profit_per_contact"`
	// CustomerShare is the share of all converted contacts that the
	// persona covers (its recall); RevenueShare and ProfitShare the shares
	// of all net revenue and of all profit.
	CustomerShare   float64           `json:"customer_share"`
	RevenueShare    float64           `json:"revenue_share"`
	ProfitShare     float64           `json:"profit_share"`
	Conditions      []ConditionReport `json:"conditions"`
	NegativeOverlap []Overlap         `json:"negative_overlap"`
	// MissedGroups are the biggest buyer groups outside the persona (with
	// Input.Traits), biggest share of revenue first.
	MissedGroups []MissedGroup `json:"missed_groups"`
	// SuggestedConditions are the CEL conditions of a tightened persona
	// (with Input.Traits); Suggested has its figures.
	SuggestedConditions []string    `json:"suggested_conditions"`
	Suggested           *Suggestion `json:"suggested,omitempty"`
	Verdict             string      `json:"verdict"`
}

// ConditionReport says how much one condition, on its own, tells buyers
// apart among all contacts.
type ConditionReport struct {
	Name string `json:"name"`
	Expr string `json:"expr"`
	// Matched is the contacts for whom the condition holds; RateIn and
	// RateOut the conversion inside and outside; Lift their ratio.
	Matched int     `json:"matched"`
	RateIn  float64 `json:"rate_in"`
	RateOut float64 `json:"rate_out"`
	Lift    float64 `json:"lift"`
	// InformationGain is the mutual information of the condition and
	// conversion, in bits.
	InformationGain float64 `json:"information_gain"`
	// ChiSquare is Pearson's statistic of the 2×2 table (no continuity
	// correction), PValue its p-value (1 degree of freedom) and PAdjusted
	// the Holm-adjusted p-value over the persona's conditions.
	ChiSquare float64 `json:"chi_square"`
	PValue    float64 `json:"p_value"`
	PAdjusted float64 `json:"p_value_adjusted"`
	// Pseudo marks pseudo-profiling: the condition does not tell buyers
	// apart (not significant, or a lift within the MinLift band); Reason
	// says which, in words.
	Pseudo bool   `json:"pseudo"`
	Reason string `json:"reason"`
}

// Overlap is the share of the persona's matched contacts that belong to a
// negative persona.
type Overlap struct {
	ID       string  `json:"id"`
	Name     string  `json:"name"`
	Kind     string  `json:"negative_kind"`
	Contacts int     `json:"contacts"`
	Share    float64 `json:"share"`
}

// Run audits one declared persona.
func Run(ctx context.Context, in Input, opt Options) (Report, error) {
	n := len(in.Converted)
	if opt.Alpha <= 0 {
		opt.Alpha = 0.05
	}
	if opt.MinLift <= 1 {
		opt.MinLift = 1.2
	}
	if opt.KeepShare <= 0 || opt.KeepShare > 1 {
		opt.KeepShare = 0.7
	}
	if len(in.Conditions) == 0 {
		return Report{}, fmt.Errorf("audit %q: a declared persona needs at least one condition", in.Name)
	}
	for _, c := range in.Conditions {
		if len(c.Holds) != n {
			return Report{}, fmt.Errorf("audit %q: condition %q has %d rows, the contacts %d", in.Name, c.Name, len(c.Holds), n)
		}
	}
	if len(in.Revenue) != n || len(in.Profit) != n {
		return Report{}, fmt.Errorf("audit %q: revenue and profit need one value per contact", in.Name)
	}
	r := Report{Name: in.Name, Description: in.Description, Contacts: n}
	matched := subgroup.NewBitset(n)
	totalConv, inConv := 0, 0
	var totalRev, totalProfit, inRev, inProfit float64
	for i := range n {
		all := true
		for _, c := range in.Conditions {
			if !c.Holds[i] {
				all = false
				break
			}
		}
		rev, prof := zeroNaN(in.Revenue[i]), zeroNaN(in.Profit[i])
		totalRev += rev
		totalProfit += prof
		if in.Converted[i] {
			totalConv++
		}
		if all {
			matched.Set(i)
			r.Matched++
			inRev += rev
			inProfit += prof
			if in.Converted[i] {
				inConv++
			}
		}
	}
	if n > 0 {
		r.Share = float64(r.Matched) / float64(n)
		r.BaseConversionRate = float64(totalConv) / float64(n)
		r.BaseRevenuePerContact, r.BaseProfitPerContact = totalRev/float64(n), totalProfit/float64(n)
	}
	if r.Matched > 0 {
		r.ConversionRate = float64(inConv) / float64(r.Matched)
	}
	r.ConversionLow, r.ConversionHigh = subgroup.Wilson(inConv, r.Matched, 1.959963984540054)
	r.RevenuePerContact, _ = subgroup.Mean(zeroNaNs(in.Revenue), matched)
	r.ProfitPerContact, _ = subgroup.Mean(zeroNaNs(in.Profit), matched)
	if totalConv > 0 {
		r.CustomerShare = float64(inConv) / float64(totalConv)
	}
	if totalRev != 0 {
		r.RevenueShare = inRev / totalRev
	}
	if totalProfit != 0 {
		r.ProfitShare = inProfit / totalProfit
	}

	ps := make([]float64, len(in.Conditions))
	for k, c := range in.Conditions {
		cr := conditionReport(c, in.Converted, totalConv)
		r.Conditions = append(r.Conditions, cr)
		ps[k] = cr.PValue
	}
	for k, p := range subgroup.Adjust(ps, subgroup.Holm) {
		cr := &r.Conditions[k]
		cr.PAdjusted = p
		switch {
		case cr.Matched == 0:
			cr.Pseudo, cr.Reason = true, "no contact matches it"
		case cr.Matched == n:
			cr.Pseudo, cr.Reason = true, "every contact matches it"
		case !(p < opt.Alpha):
			cr.Pseudo, cr.Reason = true, fmt.Sprintf("not significant (adjusted p %.2g ≥ %g)", p, opt.Alpha)
		case cr.Lift < opt.MinLift && cr.Lift > 1/opt.MinLift:
			cr.Pseudo, cr.Reason = true, fmt.Sprintf("buyers %.2f× as likely inside as outside: within the %.2g–%.2g band of no practical difference", cr.Lift, 1/opt.MinLift, opt.MinLift)
		case cr.Lift >= opt.MinLift:
			cr.Reason = fmt.Sprintf("buyers %.2f× as likely inside as outside", cr.Lift)
		default:
			cr.Reason = fmt.Sprintf("buyers %.2f× as likely inside as outside: it picks non-buyers", cr.Lift)
		}
	}

	for _, neg := range in.Negatives {
		if len(neg.Members) != n {
			return Report{}, fmt.Errorf("audit %q: negative persona %s has %d rows, the contacts %d", in.Name, neg.ID, len(neg.Members), n)
		}
		k := 0
		for i, m := range neg.Members {
			if m && matched.Has(i) {
				k++
			}
		}
		if k > 0 && r.Matched > 0 {
			r.NegativeOverlap = append(r.NegativeOverlap, Overlap{ID: neg.ID, Name: neg.Name, Kind: neg.Kind, Contacts: k, Share: float64(k) / float64(r.Matched)})
		}
	}
	sort.SliceStable(r.NegativeOverlap, func(i, j int) bool { return r.NegativeOverlap[i].Share > r.NegativeOverlap[j].Share })
	if r.NegativeOverlap == nil {
		r.NegativeOverlap = []Overlap{}
	}
	r.MissedGroups, r.SuggestedConditions = []MissedGroup{}, []string{}
	if in.Traits != nil {
		if len(in.Traits.IDs) != n {
			return Report{}, fmt.Errorf("audit %q: traits of %d contacts, the contacts %d", in.Name, len(in.Traits.IDs), n)
		}
		var err error
		if r.MissedGroups, err = missedGroups(ctx, in.Traits, matched, in.Converted, in.Revenue, opt.Search); err != nil {
			return Report{}, err
		}
		s, err := suggest(in.Traits, in, r, matched, opt.KeepShare, max(1, opt.Search.MinSize))
		if err != nil {
			return Report{}, err
		}
		r.Suggested, r.SuggestedConditions = &s, s.Conditions
	}
	r.Verdict = verdict(r)
	return r, nil
}

// conditionReport measures one condition among all contacts.
func conditionReport(c Condition, converted []bool, totalConv int) ConditionReport {
	n := len(converted)
	in, inConv := 0, 0
	for i, h := range c.Holds {
		if h {
			in++
			if converted[i] {
				inConv++
			}
		}
	}
	cr := ConditionReport{Name: c.Name, Expr: c.Expr, Matched: in, PValue: 1}
	out, outConv := n-in, totalConv-inConv
	if in > 0 {
		cr.RateIn = float64(inConv) / float64(in)
	}
	if out > 0 {
		cr.RateOut = float64(outConv) / float64(out)
	}
	switch {
	case cr.RateOut > 0:
		cr.Lift = cr.RateIn / cr.RateOut
	case cr.RateIn > 0:
		cr.Lift = math.Inf(1)
	default:
		cr.Lift = 1
	}
	if in == 0 || out == 0 || totalConv == 0 || totalConv == n {
		return cr
	}
	// Mutual information of the 2×2 table, in bits.
	N := float64(n)
	cells := [2][2]float64{{float64(inConv), float64(in - inConv)}, {float64(outConv), float64(out - outConv)}}
	rows := [2]float64{float64(in), float64(out)}
	cols := [2]float64{float64(totalConv), float64(n - totalConv)}
	for a := range 2 {
		for b := range 2 {
			if v := cells[a][b]; v > 0 {
				cr.InformationGain += v / N * math.Log2(v*N/(rows[a]*cols[b]))
			}
		}
	}
	cr.ChiSquare = subgroup.Chi2(in, inConv, n, totalConv)
	cr.PValue = distuv.ChiSquared{K: 1}.Survival(cr.ChiSquare)
	return cr
}

// verdict says in plain words what the audit found.
func verdict(r Report) string {
	var s []string
	switch {
	case r.Matched == 0:
		return "No contact matches this persona: it describes nobody in the data."
	case r.ConversionHigh < r.BaseConversionRate:
		s = append(s, fmt.Sprintf("The persona converts worse than the base (%.1f%% against %.1f%%): it describes people who do not buy.", 100*r.ConversionRate, 100*r.BaseConversionRate))
	case r.ConversionLow > r.BaseConversionRate:
		s = append(s, fmt.Sprintf("The persona converts better than the base (%.1f%% against %.1f%%, %.1f×).", 100*r.ConversionRate, 100*r.BaseConversionRate, r.ConversionRate/r.BaseConversionRate))
	default:
		s = append(s, fmt.Sprintf("The persona converts no differently from the base (%.1f%% against %.1f%%).", 100*r.ConversionRate, 100*r.BaseConversionRate))
	}
	if r.BaseRevenuePerContact != 0 {
		s = append(s, fmt.Sprintf("It covers %.0f%% of the customers and %.0f%% of the revenue.", 100*r.CustomerShare, 100*r.RevenueShare))
	} else {
		s = append(s, fmt.Sprintf("It covers %.0f%% of the customers.", 100*r.CustomerShare))
	}
	var pseudo []string
	for _, c := range r.Conditions {
		if c.Pseudo {
			pseudo = append(pseudo, fmt.Sprintf("%q", c.Name))
		}
	}
	if len(pseudo) > 0 {
		s = append(s, fmt.Sprintf("Pseudo-profiling: %s %s not tell buyers apart.", strings.Join(pseudo, ", "), map[bool]string{true: "does", false: "do"}[len(pseudo) == 1]))
	}
	var against []string
	for _, c := range r.Conditions {
		if !c.Pseudo && c.Lift < 1 {
			against = append(against, fmt.Sprintf("%q (buyers %.2f× as likely)", c.Name, c.Lift))
		}
	}
	if len(against) > 0 {
		s = append(s, fmt.Sprintf("%s %s non-buyers.", strings.Join(against, ", "), map[bool]string{true: "picks", false: "pick"}[len(against) == 1]))
	}
	if len(r.MissedGroups) > 0 {
		g := r.MissedGroups[0]
		if g.RevenueShare > 0 {
			s = append(s, fmt.Sprintf("%.0f%% of the revenue comes from %s outside the persona: it misses them.", 100*g.RevenueShare, g.Description))
		} else {
			s = append(s, fmt.Sprintf("%.0f%% of the customers are %s outside the persona: it misses them.", 100*g.CustomerShare, g.Description))
		}
	}
	if len(r.NegativeOverlap) > 0 && r.NegativeOverlap[0].Share >= 0.2 {
		o := r.NegativeOverlap[0]
		s = append(s, fmt.Sprintf("%.0f%% of the people matching it are %q (%s).", 100*o.Share, o.Name, o.Kind))
	}
	return strings.Join(s, " ")
}

func zeroNaN(x float64) float64 {
	if math.IsNaN(x) {
		return 0
	}
	return x
}

func zeroNaNs(x []float64) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = zeroNaN(v)
	}
	return out
}
