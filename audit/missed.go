package audit

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"sort"
	"strconv"
	"strings"

	"github.com/antipersona/antipersona"
	"github.com/antipersona/antipersona/persona"
	"github.com/antipersona/antipersona/subgroup"
)

// MissedGroup is a group of customers outside the declared persona,
// described by lead-time traits: the revenue (or, without revenue, the
// customers) the persona leaves out.
type MissedGroup struct {
	Description string               `json:"description"`
	Conditions  []subgroup.Condition `json:"conditions"`
	CEL         string               `json:"cel"`
	// Contacts is the size of the group; Outside the members who do not
	// match the persona, Customers the converted among those.
	Contacts  int `json:"contacts"`
	Outside   int `json:"outside"`
	Customers int `json:"customers"`
	// RevenueShare and CustomerShare are the shares of all net revenue and
	// of all converted contacts held by the group's members outside the
	// persona.
	RevenueShare   float64 `json:"revenue_share"`
	CustomerShare  float64 `json:"customer_share"`
	ConversionRate float64 `json:"conversion_rate"`
	PAdjusted      float64 `json:"p_value_adjusted"`
}

// missedGroups searches the lead-time trait groups in which customers
// outside the persona are concentrated (binomial quality, at least
// missedMinLift times their share among all contacts) and returns the
// three holding the largest shares of revenue (of customers without
// revenue).
func missedGroups(ctx context.Context, a *persona.Analysis, matched subgroup.Bitset, converted []bool, revenue []float64, search subgroup.Options) ([]MissedGroup, error) {
	const minLift = missedMinLift
	idx, used, err := a.Index()
	if err != nil {
		return nil, err
	}
	n := len(converted)
	var totalRev float64
	totalConv := 0
	yb := make([]bool, n)
	for i := range n {
		rev := zeroNaN(revenue[i])
		totalRev += rev
		if converted[i] {
			totalConv++
		}
		if !matched.Has(i) {
			yb[i] = converted[i]
		}
	}
	outsideConv := 0
	for _, v := range yb {
		if v {
			outsideConv++
		}
	}
	if len(a.LeadTimeAttrs()) == 0 || outsideConv == 0 {
		return []MissedGroup{}, nil
	}
	// Real buyer groups: customers outside the persona at least minLift
	// times as common as among all contacts; among these, the largest
	// shares of revenue.
	so := search
	so.Attrs, so.Direction, so.Results, so.Quality = a.LeadTimeAttrs(), subgroup.Above, 10, subgroup.Binomial
	so.MinRate = math.Min(0.99, minLift*float64(outsideConv)/float64(n))
	target := subgroup.Target{Binary: yb}
	res, _, err := subgroup.DiscoverIndex(ctx, idx, target, so)
	if err != nil {
		return nil, fmt.Errorf("missed groups: %w", err)
	}
	out := []MissedGroup{}
	for _, r := range res {
		g := MissedGroup{Description: r.Description, Conditions: r.Conditions, CEL: celOf(used, r.Selectors), Contacts: r.Size, PAdjusted: r.PAdjusted}
		var rev float64
		for i := range n {
			if r.Rows.Has(i) && !matched.Has(i) {
				g.Outside++
				rev += zeroNaN(revenue[i])
				if converted[i] {
					g.Customers++
				}
			}
		}
		if g.Customers == 0 {
			continue
		}
		if totalRev > 0 {
			g.RevenueShare = rev / totalRev
		}
		g.CustomerShare = float64(g.Customers) / float64(totalConv)
		g.ConversionRate = float64(g.Customers) / float64(g.Outside)
		out = append(out, g)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].RevenueShare != out[j].RevenueShare {
			return out[i].RevenueShare > out[j].RevenueShare
		}
		return out[i].CustomerShare > out[j].CustomerShare
	})
	return out[:min(3, len(out))], nil
}

// celOf writes selectors as a CEL expression over the identifiers of the
// columns they select on (used, in the index's attribute order); "" when
// one of them has no CEL form (missing values, dates).
func celOf(used []persona.Column, sels []subgroup.Selector) string {
	var parts []string
	for _, s := range sels {
		c := used[s.Attr]
		id := c.Ident
		switch {
		case s.Op == subgroup.IsMissing || c.Type == antipersona.TraitDate:
			return ""
		case s.Op == subgroup.In:
			parts = append(parts, strconv.Quote(s.Value)+" in "+id)
		case s.Op == subgroup.Eq && c.Type == antipersona.TraitBoolean:
			if s.Value == "true" || s.Value == "1" {
				parts = append(parts, id)
			} else {
				parts = append(parts, "!"+id)
			}
		case s.Op == subgroup.Eq:
			parts = append(parts, id+" == "+strconv.Quote(s.Value))
		case s.Op == subgroup.Ge:
			parts = append(parts, id+" >= "+num(s.Lo))
		case s.Op == subgroup.Lt:
			parts = append(parts, id+" < "+num(s.Hi))
		case s.Op == subgroup.Between:
			parts = append(parts, id+" >= "+num(s.Lo), id+" < "+num(s.Hi))
		default:
			return ""
		}
	}
	return strings.Join(parts, " && ")
}

func num(x float64) string {
	if x == math.Trunc(x) && math.Abs(x) < 1e15 {
		return strconv.FormatFloat(x, 'f', 1, 64)
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// missedMinLift is how much more common than among all contacts the
// customers outside the persona must be in a missed group.
const missedMinLift = 1.5

// Suggestion is a tightened version of the declared persona.
type Suggestion struct {
	// Conditions are CEL expressions; their conjunction is the suggested
	// persona. Dropped names the declared conditions left out
	// (pseudo-profiling or picking non-buyers).
	Conditions     []string `json:"conditions"`
	Dropped        []string `json:"dropped"`
	Matched        int      `json:"matched"`
	ConversionRate float64  `json:"conversion_rate"`
	CustomerShare  float64  `json:"customer_share"`
	RevenueShare   float64  `json:"revenue_share"`
}

// suggest tightens the persona: it keeps the declared conditions that
// discriminate buyers (lift above 1, not pseudo-profiling), then adds up
// to two lead-time conditions, each the one that raises conversion the
// most while the group keeps at least keepShare of the revenue of the
// declared persona's own contacts (customers when there is no revenue) and
// minSize contacts, stopping when no condition raises conversion by a
// tenth. With no declared condition kept there is nothing to tighten.
func suggest(a *persona.Analysis, in Input, r Report, matched subgroup.Bitset, keepShare float64, minSize int) (Suggestion, error) {
	idx, used, err := a.Index()
	if err != nil {
		return Suggestion{}, err
	}
	n := len(in.Converted)
	conv := subgroup.BitsetOf(in.Converted)
	var totalRev float64
	for _, v := range in.Revenue {
		totalRev += zeroNaN(v)
	}
	value := func(b subgroup.Bitset) float64 { // revenue, or customers without revenue
		if totalRev == 0 {
			return float64(subgroup.Intersect(b, conv))
		}
		s := 0.0
		for i, w := range b {
			for w != 0 {
				j := i<<6 + bits.TrailingZeros64(w)
				s += zeroNaN(in.Revenue[j])
				w &= w - 1
			}
		}
		return s
	}
	floor := keepShare * value(matched)
	cur := subgroup.NewBitset(n)
	for i := range n {
		cur.Set(i)
	}
	var s Suggestion
	for k, c := range in.Conditions {
		cr := r.Conditions[k]
		if cr.Pseudo || cr.Lift <= 1 {
			s.Dropped = append(s.Dropped, c.Name)
			continue
		}
		s.Conditions = append(s.Conditions, c.Expr)
		subgroup.And(cur, cur, subgroup.BitsetOf(c.Holds), nil)
	}
	rate := func(b subgroup.Bitset) float64 {
		size := b.Count()
		if size == 0 {
			return 0
		}
		return float64(subgroup.Intersect(b, conv)) / float64(size)
	}
	lead := map[int]bool{}
	for _, j := range a.LeadTimeAttrs() {
		lead[j] = true
	}
	tmp, kept := subgroup.NewBitset(n), subgroup.NewBitset(n)
	if len(s.Conditions) == 0 {
		// Nothing of the declared persona tells buyers apart: there is
		// nothing to tighten (the missed groups say where the buyers are).
		s.Matched, s.Conditions = 0, []string{}
		return s, nil
	}
	for range 2 {
		best, bestRate := -1, rate(cur)*1.1
		for j, sel := range idx.Selectors() {
			if !lead[sel.Attr] || celOf(used, []subgroup.Selector{sel}) == "" {
				continue
			}
			size, _ := subgroup.And(tmp, cur, idx.Rows(j), nil)
			if size < minSize {
				continue
			}
			if subgroup.And(kept, tmp, matched, nil); value(kept) < floor {
				continue // it loses too much of the declared persona's value
			}
			if rt := rate(tmp); rt > bestRate {
				best, bestRate = j, rt
			}
		}
		if best < 0 {
			break
		}
		subgroup.And(cur, cur, idx.Rows(best), nil)
		s.Conditions = append(s.Conditions, celOf(used, []subgroup.Selector{idx.Selectors()[best]}))
	}
	s.Matched = cur.Count()
	s.ConversionRate = rate(cur)
	if k := conv.Count(); k > 0 {
		s.CustomerShare = float64(subgroup.Intersect(cur, conv)) / float64(k)
	}
	if totalRev != 0 {
		s.RevenueShare = value(cur) / totalRev
	}
	if s.Conditions == nil {
		s.Conditions = []string{}
	}
	return s, nil
}
